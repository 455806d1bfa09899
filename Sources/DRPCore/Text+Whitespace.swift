// Trimming white space without Foundation's NSString bridge (hot on every prompt and reply).

extension StringProtocol {
  /// The text without leading and trailing white space and line breaks (characters with the Unicode
  /// White_Space property: the same set as Foundation's `.whitespacesAndNewlines`), computed on
  /// Unicode scalars rather than through `NSString`.
  public func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(self[first..<scalars.index(after: last)])
  }
}

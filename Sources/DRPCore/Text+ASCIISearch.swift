// Finding ASCII markup (tags, fences) in text on its UTF-8 bytes.

extension Substring {
  /// The first (or, with `last`, the last) occurrence of the ASCII `needle` in the text, optionally
  /// ignoring ASCII case. A byte-level search (no `Character` comparison, no `NSString` bridge);
  /// the bounds it returns are valid indices of the text (an ASCII byte always starts a scalar).
  public func asciiRange(of needle: String, last: Bool = false, ignoringCase: Bool = false) -> Range<String.Index>? {
    let fold: (UInt8) -> UInt8 = { ignoringCase && $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
    let pattern = needle.utf8.map(fold)
    let bytes = utf8
    guard pattern.count <= bytes.count, let head = pattern.first else { return nil }
    var found: Range<String.Index>?
    var index = bytes.startIndex
    while index != bytes.endIndex {
      if fold(bytes[index]) == head {
        var probe = index
        var matched = true
        for expected in pattern {
          guard probe != bytes.endIndex else { return found }
          if fold(bytes[probe]) != expected {
            matched = false
            break
          }
          probe = bytes.index(after: probe)
        }
        if matched {
          found = index..<probe
          if !last { return found }
        }
      }
      index = bytes.index(after: index)
    }
    return found
  }
}

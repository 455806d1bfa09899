// The default tokenizer of Google's rouge-score (no stemming).

/// Tokenises text as rouge-score's `tokenize.tokenize(text, stemmer=None)` does: lowercase, replace every
/// character outside `[a-z0-9]` with a space, split on spaces.
enum ROUGETokenizer {
  /// The tokens of `text`; letters outside ASCII (accents, other scripts) act as separators.
  static func tokens(_ text: String) -> [String] {
    var tokens: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.lowercased().unicodeScalars {
      if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
        current.append(scalar)
      } else if !current.isEmpty {
        tokens.append(String(current))
        current = String.UnicodeScalarView()
      }
    }
    if !current.isEmpty { tokens.append(String(current)) }
    return tokens
  }
}

// Python `str` semantics the reference implementations rely on, over Unicode scalars (Python code points).

/// Text helpers that reproduce the Python string operations used by rouge-score, NLTK and sacreBLEU.
enum PythonText {
  /// Whether `scalar` is whitespace for Python's `str.isspace` (what `str.split()` and `str.rstrip()` use).
  static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
      return true
    default:
      return false
    }
  }

  /// Python's `text.split()`: runs of whitespace separate tokens; no empty tokens.
  static func split(_ text: String) -> [String] {
    var tokens: [String] = []
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isSpace(scalar) {
        if !current.isEmpty {
          tokens.append(String(current))
          current = String.UnicodeScalarView()
        }
      } else {
        current.append(scalar)
      }
    }
    if !current.isEmpty { tokens.append(String(current)) }
    return tokens
  }

  /// A key that compares `text` code point by code point, as Python does. Swift's `String` equality and
  /// hashing use canonical equivalence (`"e\u{301}" == "é"`), which Python's does not.
  static func key(_ text: String) -> [UInt8] { Array(text.utf8) }

  /// Python's `text.rstrip()`.
  static func rstrip(_ text: String) -> String {
    var scalars = Array(text.unicodeScalars)
    while let last = scalars.last, isSpace(last) { scalars.removeLast() }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }
}

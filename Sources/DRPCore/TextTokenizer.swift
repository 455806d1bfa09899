// Lowercase word tokenisation and sentence splitting of review text.

/// Splits review text into lowercase words and into sentences.
///
/// A *word* is a maximal run of Unicode letters, combining marks and numbers. An apostrophe
/// (`'`, U+2019 `’` or U+02BC `ʼ`) is kept inside a word when a word character follows it
/// ("don't", "o'clock"), normalised to `'`; leading and trailing apostrophes are dropped.
/// Everything else separates words. Letters are lowercased (full Unicode lowercase mapping).
///
/// The scanner works on the UTF-8 bytes of the string: ASCII takes a table-free fast path and
/// only non-ASCII scalars are decoded and classified, so tokenising allocates nothing per word
/// when you use ``forEachWord(in:_:)``.
public enum TextTokenizer {
  /// The lowercase words of `text`, in order.
  /// - Parameter text: Any text; the empty string gives no words.
  /// - Returns: Words such as `["don't", "buy", "it", "2"]`.
  public static func words(_ text: String) -> [String] {
    var result: [String] = []
    forEachWord(in: text) { result.append(String(decoding: $0, as: UTF8.self)) }
    return result
  }

  /// Calls `body` with the lowercase UTF-8 bytes of every word of `text`, in order.
  ///
  /// The buffer is only valid during the call and is reused for the next word.
  /// - Parameters:
  ///   - text: Any text.
  ///   - body: Receives one word's bytes per call.
  public static func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    var text = text
    withoutActuallyEscaping(body) { body in
      text.withUTF8 { bytes in scan(bytes, body) }
    }
  }

  private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ body: @escaping (UnsafeBufferPointer<UInt8>) -> Void)
  {
    var scanner = WordScanner(body: body)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte < 0x80 {
        scanner.ascii(byte)
        index += 1
      } else {
        let (scalar, length) = decodeScalar(bytes, at: index)
        scanner.nonASCII(scalar, bytes: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
        index += length
      }
    }
    scanner.flush()
  }

  /// Splits `text` into trimmed, non-empty sentences.
  ///
  /// A sentence ends after a run of `.`, `!`, `?` or `…` (plus any closing quotes or brackets)
  /// that is followed by whitespace or the end of the text, and at every line break. Decimal
  /// numbers ("3.5") stay intact; abbreviations ("Mr. Smith") are split — a known limitation.
  /// - Parameter text: Any text.
  /// - Returns: The sentences with their terminators, e.g. `["Great!", "Works well."]`.
  public static func sentences(_ text: String) -> [String] {
    var sentences: [String] = []
    var current = ""
    var afterTerminator = false
    func finish() {
      let trimmed = current.trimmingWhitespace()
      if !trimmed.isEmpty { sentences.append(trimmed) }
      current = ""
      afterTerminator = false
    }
    for character in text {
      if character.isNewline {
        finish()
        continue
      }
      if afterTerminator {
        if character.isWhitespace {
          finish()
          continue
        }
        if !sentenceTerminators.contains(character) && !sentenceClosers.contains(character) {
          afterTerminator = false
        }
      } else if sentenceTerminators.contains(character) {
        afterTerminator = true
      }
      current.append(character)
    }
    finish()
    return sentences
  }

  private static let sentenceTerminators: Set<Character> = [".", "!", "?", "…"]
  private static let sentenceClosers: Set<Character> = ["\"", "'", ")", "]", "”", "’", "»"]

  /// Decodes the scalar starting at `index` of valid UTF-8 (Swift strings always are).
  private static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
    let lead = UInt32(bytes[index])
    let length: Int
    var value: UInt32
    if lead >= 0xF0 {
      length = 4
      value = lead & 0x07
    } else if lead >= 0xE0 {
      length = 3
      value = lead & 0x0F
    } else {
      length = 2
      value = lead & 0x1F
    }
    for offset in 1..<length {
      value = (value << 6) | (UInt32(bytes[index + offset]) & 0x3F)
    }
    return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
  }
}

/// The state of one tokenisation pass: the current word and a pending apostrophe.
private struct WordScanner {
  let body: (UnsafeBufferPointer<UInt8>) -> Void
  var word: [UInt8] = []
  var pendingApostrophe = false

  init(body: @escaping (UnsafeBufferPointer<UInt8>) -> Void) {
    self.body = body
    word.reserveCapacity(64)
  }

  mutating func ascii(_ byte: UInt8) {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      appendWordByte(byte)
    case UInt8(ascii: "A")...UInt8(ascii: "Z"):
      appendWordByte(byte | 0x20)
    case UInt8(ascii: "'"):
      apostrophe()
    default:
      flush()
    }
  }

  mutating func nonASCII(_ scalar: Unicode.Scalar, bytes: UnsafeBufferPointer<UInt8>) {
    if scalar == "\u{2019}" || scalar == "\u{02BC}" {
      apostrophe()
      return
    }
    guard Self.isWordScalar(scalar) else {
      flush()
      return
    }
    startWordCharacter()
    if scalar.properties.changesWhenLowercased {
      for lower in scalar.properties.lowercaseMapping.unicodeScalars {
        UTF8.encode(lower) { word.append($0) }
      }
    } else {
      word.append(contentsOf: bytes)
    }
  }

  mutating func flush() {
    pendingApostrophe = false
    guard !word.isEmpty else { return }
    word.withUnsafeBufferPointer(body)
    word.removeAll(keepingCapacity: true)
  }

  private mutating func apostrophe() {
    if word.isEmpty || pendingApostrophe {
      flush()
    } else {
      pendingApostrophe = true
    }
  }

  private mutating func appendWordByte(_ byte: UInt8) {
    startWordCharacter()
    word.append(byte)
  }

  private mutating func startWordCharacter() {
    if pendingApostrophe {
      word.append(UInt8(ascii: "'"))
      pendingApostrophe = false
    }
  }

  private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
      return true
    default:
      return false
    }
  }
}

extension String {
  /// The string without leading and trailing whitespace and newlines.
  fileprivate func trimmingWhitespace() -> String {
    guard let start = firstIndex(where: { !$0.isWhitespace }),
      let end = lastIndex(where: { !$0.isWhitespace })
    else { return "" }
    return String(self[start...end])
  }
}

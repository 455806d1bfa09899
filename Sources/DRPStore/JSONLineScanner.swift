// A byte-level scanner for one flat JSON object per line (the JSONL importer's fast path).
import Foundation

/// A top-level value of a scanned JSON object. Arrays and objects are validated and kept as raw text.
enum JSONScalar: Equatable {
  case string(String)
  case number(Double)
  case bool(Bool)
  case null
  case array
  case object
}

/// One `"key": value` member of a scanned object, with the byte ranges of its raw key and value.
struct JSONMember {
  var key: String
  var value: JSONScalar
  var rawKey: Range<Int>
  var rawValue: Range<Int>
}

/// Why a line is not a JSON object, with the byte offset where scanning stopped.
struct JSONScanError: Error, CustomStringConvertible {
  var message: String
  var offset: Int
  var description: String { "\(message) at byte \(offset + 1)" }
}

/// Scans a JSON object held in a byte buffer: validates the whole text (nested values included,
/// to a depth of 64) and decodes the top-level members. The importer's hot path: faster than a
/// full parse (`JSONParser` into `JSONValue`) because nothing but the top level is materialised. Strings are repaired rather than
/// rejected: invalid UTF-8 and unpaired `\u` surrogates become U+FFFD, and `repaired` says so.
struct JSONLineScanner {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var pos = 0
  /// Whether a string (anywhere in the text) held invalid UTF-8 or an unpaired surrogate escape.
  private(set) var repaired = false
  private static let maxDepth = 64

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// Scans `bytes` as one JSON object (surrounding whitespace allowed).
  static func members(of bytes: UnsafeBufferPointer<UInt8>) throws -> [JSONMember] { try scan(bytes).members }

  /// Scans `bytes` as one JSON object; `repaired` tells whether a string had to be repaired.
  static func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws -> (members: [JSONMember], repaired: Bool) {
    var scanner = JSONLineScanner(bytes)
    let members = try scanner.scanObject()
    return (members, scanner.repaired)
  }

  /// Decodes the raw value range as an array of strings (or a single string), or nil when it is neither.
  static func strings(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [String]? {
    var scanner = JSONLineScanner(UnsafeBufferPointer(rebasing: bytes[range]))
    scanner.skipWhitespace()
    if scanner.peek == UInt8(ascii: "\"") { return (try? scanner.scanString()).map { [$0] } }
    guard scanner.peek == UInt8(ascii: "[") else { return nil }
    scanner.pos += 1
    var result: [String] = []
    scanner.skipWhitespace()
    if scanner.peek == UInt8(ascii: "]") { return result }
    while true {
      scanner.skipWhitespace()
      guard scanner.peek == UInt8(ascii: "\""), let s = try? scanner.scanString() else { return nil }
      result.append(s)
      scanner.skipWhitespace()
      if scanner.peek == UInt8(ascii: ",") {
        scanner.pos += 1
      } else {
        return scanner.peek == UInt8(ascii: "]") ? result : nil
      }
    }
  }

  private var peek: UInt8? { pos < bytes.count ? bytes[pos] : nil }

  private func fail(_ message: String) -> JSONScanError { JSONScanError(message: message, offset: pos) }

  private mutating func skipWhitespace() {
    while pos < bytes.count {
      switch bytes[pos] {
      case 0x20, 0x09, 0x0A, 0x0D: pos += 1
      default: return
      }
    }
  }

  private mutating func expect(_ byte: UInt8, _ what: String) throws {
    skipWhitespace()
    guard peek == byte else {
      throw fail(peek == nil ? "unexpected end of line, expected \(what)" : "expected \(what)")
    }
    pos += 1
  }

  mutating func scanObject() throws -> [JSONMember] {
    try expect(UInt8(ascii: "{"), "'{'")
    var members: [JSONMember] = []
    members.reserveCapacity(12)
    skipWhitespace()
    if peek == UInt8(ascii: "}") {
      pos += 1
    } else {
      while true {
        skipWhitespace()
        let keyStart = pos
        guard peek == UInt8(ascii: "\"") else { throw fail(peek == nil ? "unexpected end of line" : "expected a key") }
        let key = try scanString()
        let keyEnd = pos
        try expect(UInt8(ascii: ":"), "':'")
        skipWhitespace()
        let valueStart = pos
        let value = try scanValue(depth: 1)
        members.append(JSONMember(key: key, value: value, rawKey: keyStart..<keyEnd, rawValue: valueStart..<pos))
        skipWhitespace()
        guard let next = peek else { throw fail("unexpected end of line, expected ',' or '}'") }
        pos += 1
        if next == UInt8(ascii: "}") { break }
        guard next == UInt8(ascii: ",") else { throw fail("expected ',' or '}'") }
      }
    }
    skipWhitespace()
    guard pos == bytes.count else { throw fail("unexpected text after the object") }
    return members
  }

  private mutating func scanValue(depth: Int) throws -> JSONScalar {
    guard depth <= Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
    skipWhitespace()
    guard let c = peek else { throw fail("unexpected end of line, expected a value") }
    switch c {
    case UInt8(ascii: "\""): return .string(try scanString())
    case UInt8(ascii: "{"):
      try skipContainer(open: c, close: UInt8(ascii: "}"), depth: depth, keyed: true)
      return .object
    case UInt8(ascii: "["):
      try skipContainer(open: c, close: UInt8(ascii: "]"), depth: depth, keyed: false)
      return .array
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default: return .number(try scanNumber())
    }
  }

  private mutating func skipContainer(open: UInt8, close: UInt8, depth: Int, keyed: Bool) throws {
    pos += 1
    skipWhitespace()
    if peek == close {
      pos += 1
      return
    }
    while true {
      if keyed {
        skipWhitespace()
        guard peek == UInt8(ascii: "\"") else { throw fail("expected a key") }
        _ = try scanString()
        try expect(UInt8(ascii: ":"), "':'")
      }
      _ = try scanValue(depth: depth + 1)
      skipWhitespace()
      guard let next = peek else { throw fail("unexpected end of line inside a nested value") }
      pos += 1
      if next == close { return }
      guard next == UInt8(ascii: ",") else { throw fail("expected ',' in a nested value") }
    }
  }

  private mutating func literal(_ word: String) throws {
    for byte in word.utf8 {
      guard pos < bytes.count else { throw fail("unexpected end of line in a literal") }
      guard bytes[pos] == byte else { throw fail("invalid literal") }
      pos += 1
    }
  }

  private mutating func scanNumber() throws -> Double {
    let start = pos
    func digits() -> Int {
      let s = pos
      while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
      return pos - s
    }
    if peek == UInt8(ascii: "-") { pos += 1 }
    let intStart = pos
    let intDigits = digits()
    guard intDigits > 0 else { throw fail("invalid value") }
    if intDigits > 1 && bytes[intStart] == 0x30 { throw fail("leading zero in a number") }
    var isInteger = true
    if peek == UInt8(ascii: ".") {
      pos += 1
      isInteger = false
      guard digits() > 0 else { throw fail("invalid number") }
    }
    if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
      pos += 1
      isInteger = false
      if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { pos += 1 }
      guard digits() > 0 else { throw fail("invalid number exponent") }
    }
    if isInteger && intDigits <= 15 {
      var value = 0
      for i in intStart..<pos { value = value * 10 + Int(bytes[i] - 0x30) }
      return Double(bytes[start] == UInt8(ascii: "-") ? -value : value)
    }
    guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self))
    else { throw fail("invalid number") }
    return value
  }

  private mutating func scanString() throws -> String {
    pos += 1  // opening quote
    let start = pos
    while pos < bytes.count {
      let c = bytes[pos]
      if c == UInt8(ascii: "\"") {
        let s = decode(UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        pos += 1
        return s
      }
      if c == UInt8(ascii: "\\") { return try scanEscapedString(from: start) }
      if c < 0x20 { throw fail("control character in a string") }
      pos += 1
    }
    throw fail("unterminated string")
  }

  private mutating func scanEscapedString(from start: Int) throws -> String {
    var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<pos]))
    while pos < bytes.count {
      let c = bytes[pos]
      pos += 1
      switch c {
      case UInt8(ascii: "\""):
        return out.withUnsafeBufferPointer { decode($0) }
      case UInt8(ascii: "\\"):
        guard let e = peek else { throw fail("unterminated string") }
        pos += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"): appendScalar(try scanUnicodeEscape(), to: &out)
        default: throw fail("invalid escape in a string")
        }
      default:
        if c < 0x20 { throw fail("control character in a string") }
        out.append(c)
      }
    }
    throw fail("unterminated string")
  }

  private mutating func hex4() throws -> UInt32 {
    guard pos + 4 <= bytes.count else { throw fail("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[pos]
      let digit: UInt8
      switch c {
      case 0x30...0x39: digit = c - 0x30
      case 0x41...0x46: digit = c - 0x41 + 10
      case 0x61...0x66: digit = c - 0x61 + 10
      default: throw fail("invalid \\u escape")
      }
      value = value << 4 | UInt32(digit)
      pos += 1
    }
    return value
  }

  /// The string of UTF-8 `raw`; invalid sequences become U+FFFD and set `repaired`.
  private mutating func decode(_ raw: UnsafeBufferPointer<UInt8>) -> String {
    if let valid = String(validating: raw, as: UTF8.self) { return valid }
    repaired = true
    return String(decoding: raw, as: UTF8.self)
  }

  private mutating func scanUnicodeEscape() throws -> Unicode.Scalar {
    let high = try hex4()
    if (0xD800..<0xDC00).contains(high), pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"),
      bytes[pos + 1] == UInt8(ascii: "u")
    {
      let save = pos
      pos += 2
      let low = try hex4()
      if (0xDC00..<0xE000).contains(low) {
        return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
      }
      pos = save
    }
    guard let scalar = Unicode.Scalar(high) else {
      repaired = true
      return "\u{FFFD}"
    }
    return scalar
  }

  private func appendScalar(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
    UTF8.encode(scalar) { out.append($0) }
  }
}

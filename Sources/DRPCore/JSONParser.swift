// A strict, bounded JSON parser over UTF-8 bytes.

/// Parses JSON text (RFC 8259) into `JSONValue` with explicit limits: nesting depth, finite
/// numbers only, valid UTF-8 in strings, duplicate object keys rejected, no trailing content.
/// The one JSON parser of drp: requests, replies, files and model output (`lenient`).
public struct JSONParser: Sendable {
  /// Maximum nesting depth of arrays and objects; deeper input is an error.
  public var maxDepth: Int
  /// Tolerate what language models write: a comma directly before `]` or `}` (also alone, as in
  /// `[,]`), and a repeated object key (the last value counts). Everything else stays strict.
  public var lenient: Bool

  /// Creates a parser.
  public init(maxDepth: Int = 64, lenient: Bool = false) {
    self.maxDepth = maxDepth
    self.lenient = lenient
  }

  /// The parser for model output (see `lenient`).
  public static let lenient = JSONParser(lenient: true)

  /// Parses exactly one JSON value (surrounding whitespace allowed).
  public func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
    let result: Result<JSONValue, JSONParseError> =
      bytes.withContiguousStorageIfAvailable { buffer in
        Result { () throws(JSONParseError) in try parse(buffer) }
      } ?? Array(bytes).withUnsafeBufferPointer { buffer in Result { () throws(JSONParseError) in try parse(buffer) } }
    return try result.get()
  }

  /// Parses exactly one JSON value from a string.
  public func parse(_ text: String) throws(JSONParseError) -> JSONValue { try parse(Array(text.utf8)) }

  private func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
    var cursor = Cursor(bytes: buffer, maxDepth: maxDepth, lenient: lenient)
    cursor.skipWhitespace()
    let value = try cursor.value(depth: 0)
    cursor.skipWhitespace()
    if cursor.index != buffer.count {
      throw JSONParseError("unexpected content after the JSON value", at: cursor.index)
    }
    return value
  }
}

/// The parser's position in the input.
private struct Cursor {
  let bytes: UnsafeBufferPointer<UInt8>
  let maxDepth: Int
  let lenient: Bool
  var index = 0

  init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, lenient: Bool) {
    self.bytes = bytes
    self.maxDepth = maxDepth
    self.lenient = lenient
  }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case 0x20, 0x09, 0x0A, 0x0D: index += 1
      default: return
      }
    }
  }

  func fail(_ reason: String) -> JSONParseError { JSONParseError(reason, at: index) }

  /// In lenient mode, whether `close` comes next, after a comma (`comma`: the comma of `[,]`, not
  /// yet consumed; else the separator already consumed) and whitespace, which are then skipped.
  mutating func skipDanglingComma(before close: UInt8, comma: Bool = false) -> Bool {
    guard lenient else { return false }
    var probe = index
    if comma {
      guard probe < bytes.count, bytes[probe] == UInt8(ascii: ",") else { return false }
      probe += 1
    }
    while probe < bytes.count,
      bytes[probe] == 0x20 || bytes[probe] == 0x09 || bytes[probe] == 0x0A || bytes[probe] == 0x0D
    {
      probe += 1
    }
    guard probe < bytes.count, bytes[probe] == close else { return false }
    index = probe
    return true
  }

  mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
    guard index < bytes.count else { throw fail("unexpected end of input") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try object(depth: depth + 1)
    case UInt8(ascii: "["): return try array(depth: depth + 1)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
    default: throw fail("unexpected character")
    }
  }

  mutating func literal(_ word: StaticString) throws(JSONParseError) {
    let count = word.utf8CodeUnitCount
    guard index + count <= bytes.count else { throw fail("invalid literal") }
    for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
      throw fail("invalid literal")
    }
    index += count
  }

  mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
    index += 1
    var elements: [JSONValue] = []
    skipWhitespace()
    if index < bytes.count,
      bytes[index] == UInt8(ascii: "]") || skipDanglingComma(before: UInt8(ascii: "]"), comma: true)
    {
      index += 1
      return .array(elements)
    }
    while true {
      skipWhitespace()
      if skipDanglingComma(before: UInt8(ascii: "]")) {
        index += 1
        return .array(elements)
      }
      elements.append(try value(depth: depth))
      skipWhitespace()
      guard index < bytes.count else { throw fail("unterminated array") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "]"):
        index += 1
        return .array(elements)
      default: throw fail("expected ',' or ']' in array")
      }
    }
  }

  mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
    guard depth <= maxDepth else { throw fail("nesting deeper than \(maxDepth) levels") }
    index += 1
    var members: [String: JSONValue] = [:]
    skipWhitespace()
    if index < bytes.count,
      bytes[index] == UInt8(ascii: "}") || skipDanglingComma(before: UInt8(ascii: "}"), comma: true)
    {
      index += 1
      return .object(members)
    }
    while true {
      skipWhitespace()
      if skipDanglingComma(before: UInt8(ascii: "}")) {
        index += 1
        return .object(members)
      }
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
      let keyOffset = index
      let key = try string()
      skipWhitespace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
      index += 1
      skipWhitespace()
      let member = try value(depth: depth)
      if members.updateValue(member, forKey: key) != nil && !lenient {
        throw JSONParseError("duplicate key \"\(key)\"", at: keyOffset)
      }
      skipWhitespace()
      guard index < bytes.count else { throw fail("unterminated object") }
      switch bytes[index] {
      case UInt8(ascii: ","): index += 1
      case UInt8(ascii: "}"):
        index += 1
        return .object(members)
      default: throw fail("expected ',' or '}' in object")
      }
    }
  }

  mutating func string() throws(JSONParseError) -> String {
    index += 1
    let start = index
    // Fast path: no escapes and ASCII only.
    var ascii = true
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
        index += 1
        if ascii { return String(decoding: slice, as: UTF8.self) }
        guard let text = String(validating: slice, as: UTF8.self) else {
          throw JSONParseError("invalid UTF-8 in string", at: start)
        }
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw fail("unescaped control character in string") }
      if byte >= 0x80 { ascii = false }
      index += 1
    }
    index = start
    return try escapedString()
  }

  mutating func escapedString() throws(JSONParseError) -> String {
    var scalars: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        guard let text = String(validating: scalars, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
        return text
      case UInt8(ascii: "\\"):
        index += 1
        guard index < bytes.count else { throw fail("unterminated escape") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append(0x22)
        case UInt8(ascii: "\\"): scalars.append(0x5C)
        case UInt8(ascii: "/"): scalars.append(0x2F)
        case UInt8(ascii: "b"): scalars.append(0x08)
        case UInt8(ascii: "f"): scalars.append(0x0C)
        case UInt8(ascii: "n"): scalars.append(0x0A)
        case UInt8(ascii: "r"): scalars.append(0x0D)
        case UInt8(ascii: "t"): scalars.append(0x09)
        case UInt8(ascii: "u"): scalars.append(contentsOf: try unicodeEscape())
        default: throw fail("invalid escape")
        }
      default:
        if byte < 0x20 { throw fail("unescaped control character in string") }
        scalars.append(byte)
        index += 1
      }
    }
    throw fail("unterminated string")
  }

  mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard index + 4 <= bytes.count else { throw fail("truncated \\u escape") }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let byte = bytes[index]
      let digit: UInt32
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
      default: throw fail("invalid hex digit in \\u escape")
      }
      value = value << 4 | digit
      index += 1
    }
    return value
  }

  mutating func unicodeEscape() throws(JSONParseError) -> [UInt8] {
    var code = try hex4()
    if (0xD800..<0xDC00).contains(code) {
      guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
        throw fail("unpaired surrogate in \\u escape")
      }
      index += 2
      let low = try hex4()
      guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
    } else if (0xDC00..<0xE000).contains(code) {
      throw fail("unpaired surrogate in \\u escape")
    }
    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid \\u escape") }
    return Array(String(Character(scalar)).utf8)
  }

  mutating func digits() -> Int {
    let start = index
    while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
    return index - start
  }

  mutating func number() throws(JSONParseError) -> JSONValue {
    let start = index
    if bytes[index] == UInt8(ascii: "-") { index += 1 }
    guard index < bytes.count else { throw fail("truncated number") }
    if bytes[index] == UInt8(ascii: "0") {
      index += 1
      if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
        throw fail("leading zero in number")
      }
    } else if digits() == 0 {
      throw fail("invalid number")
    }
    var integral = true
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      integral = false
      index += 1
      if digits() == 0 { throw fail("missing digits after decimal point") }
    }
    if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
      integral = false
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
      if digits() == 0 { throw fail("missing exponent digits") }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
    if integral, let exact = Int64(text) { return .int(exact) }
    guard let value = Double(text), value.isFinite else {
      throw JSONParseError("number out of range", at: start)
    }
    return .double(value)
  }
}

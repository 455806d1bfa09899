// Compact JSON serialization with sorted keys.

/// Serializes `JSONValue` as compact JSON with object keys sorted by their UTF-8 bytes, so
/// equal values always produce identical text. Non-finite doubles (never produced by the parser) are written as `null`.
public enum JSONWriter {
  /// The UTF-8 bytes of `value`.
  public static func bytes(_ value: JSONValue) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(128)
    write(value, into: &output)
    return output
  }

  /// The JSON text of `value`.
  public static func string(_ value: JSONValue) -> String { String(decoding: bytes(value), as: UTF8.self) }

  /// Appends the serialization of `value` to `output`.
  public static func write(_ value: JSONValue, into output: inout [UInt8]) {
    _ = write(value, style: .protocol, into: &output)
  }

  /// How a value is written: this writer's own rules, or `JSONEncoder`'s (`encoderBytes`).
  struct Style {
    /// `/` as `\/`.
    var escapeSlashes: Bool
    /// Backspace and form feed as `\b` `\f` (else `\u0008` `\u000c`).
    var shortEscapes: Bool
    /// `JSONEncoder`'s numbers: integral doubles without `.0`, non-finite ones refused (else `null`).
    var encoderNumbers: Bool
    /// Objects with a key outside ASCII refused.
    var asciiKeysOnly: Bool

    /// ``JSONWriter/bytes(_:)``'s rules: nothing is refused.
    static let `protocol` = Style(
      escapeSlashes: false, shortEscapes: false, encoderNumbers: false, asciiKeysOnly: false)
  }

  /// Appends `value` written in `style`; false (output then incomplete) when the style refuses it.
  static func write(_ value: JSONValue, style: Style, into output: inout [UInt8]) -> Bool {
    switch value {
    case .null: output.append(contentsOf: "null".utf8)
    case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
    case .int(let number): writeInteger(number, into: &output)
    case .double(let number):
      if !number.isFinite {
        guard !style.encoderNumbers else { return false }
        output.append(contentsOf: "null".utf8)
      } else {
        var text = number.description
        if style.encoderNumbers && text.hasSuffix(".0") { text.removeLast(2) }
        output.append(contentsOf: text.utf8)
      }
    case .string(let text):
      writeQuoted(text, escapeSlashes: style.escapeSlashes, shortEscapes: style.shortEscapes, into: &output)
    case .array(let elements):
      output.append(UInt8(ascii: "["))
      for (position, element) in elements.enumerated() {
        if position > 0 { output.append(UInt8(ascii: ",")) }
        guard write(element, style: style, into: &output) else { return false }
      }
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      if style.asciiKeysOnly && !members.keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) { return false }
      output.append(UInt8(ascii: "{"))
      var first = true
      for (key, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        writeQuoted(key, escapeSlashes: style.escapeSlashes, shortEscapes: style.shortEscapes, into: &output)
        output.append(UInt8(ascii: ":"))
        guard write(member, style: style, into: &output) else { return false }
      }
      output.append(UInt8(ascii: "}"))
    }
    return true
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  /// Appends the decimal digits of `number` without building a String.
  private static func writeInteger(_ number: Int64, into output: inout [UInt8]) {
    if number < 0 { output.append(UInt8(ascii: "-")) }
    var magnitude = number.magnitude
    // 24 bytes: room for Int64.min's 19 digits, least significant first.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    var count = 0
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
        count += 1
      } while magnitude > 0
      for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
    }
  }

  /// Appends `text` as a JSON string: `"` and `\` escaped, `\n` `\r` `\t` and other control
  /// bytes as `\u00xx` (with `shortEscapes`, backspace and form feed as `\b` `\f`), `/` as `\/`
  /// with `escapeSlashes`. Runs of bytes that need no escape are copied whole.
  private static func writeQuoted(_ text: String, escapeSlashes: Bool, shortEscapes: Bool, into output: inout [UInt8]) {
    output.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { bytes in
      var runStart = 0
      for index in 0..<bytes.count {
        let byte = bytes[index]
        guard byte < 0x20 || byte == 0x22 || byte == 0x5C || (byte == 0x2F && escapeSlashes) else { continue }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        runStart = index + 1
        output.append(0x5C)
        switch byte {
        case 0x22, 0x5C, 0x2F: output.append(byte)
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x08 where shortEscapes: output.append(UInt8(ascii: "b"))
        case 0x0C where shortEscapes: output.append(UInt8(ascii: "f"))
        default:
          output.append(contentsOf: "u00".utf8)
          output.append(hexDigits[Int(byte >> 4)])
          output.append(hexDigits[Int(byte & 0xF)])
        }
      }
      output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
    output.append(UInt8(ascii: "\""))
  }
}

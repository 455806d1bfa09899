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
    switch value {
    case .null: output.append(contentsOf: "null".utf8)
    case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
    case .int(let number): writeInteger(number, into: &output)
    case .double(let number):
      if number.isFinite {
        output.append(contentsOf: number.description.utf8)
      } else {
        output.append(contentsOf: "null".utf8)
      }
    case .string(let text): writeString(text, into: &output)
    case .array(let elements):
      output.append(UInt8(ascii: "["))
      for (position, element) in elements.enumerated() {
        if position > 0 { output.append(UInt8(ascii: ",")) }
        write(element, into: &output)
      }
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      output.append(UInt8(ascii: "{"))
      var first = true
      for (key, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        writeString(key, into: &output)
        output.append(UInt8(ascii: ":"))
        write(member, into: &output)
      }
      output.append(UInt8(ascii: "}"))
    }
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

  private static func writeString(_ text: String, into output: inout [UInt8]) {
    writeQuoted(text, escapeSlashes: false, shortEscapes: false, into: &output)
  }

  /// Appends `text` as a JSON string: `"` and `\` escaped, `\n` `\r` `\t` and other control
  /// bytes as `\u00xx` (with `shortEscapes`, backspace and form feed as `\b` `\f`), `/` as `\/`
  /// with `escapeSlashes`. Runs of bytes that need no escape are copied whole.
  static func writeQuoted(_ text: String, escapeSlashes: Bool, shortEscapes: Bool, into output: inout [UInt8]) {
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

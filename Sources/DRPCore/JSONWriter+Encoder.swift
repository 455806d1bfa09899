// The bytes Foundation's JSONEncoder (.sortedKeys) writes for a JSONValue, without JSONEncoder.

extension JSONWriter {
  /// The UTF-8 bytes `JSONEncoder` with `.sortedKeys` (plus `.withoutEscapingSlashes` when
  /// `escapeSlashes` is false) produces for `value`, written directly, without the
  /// `Encodable` machinery, which matters for LLM request bodies and their cache keys. The
  /// differences from ``bytes(_:)``: `/` escaped as `\/` (unless disabled), `\b` and `\f`,
  /// and integral doubles without `.0` (`1.0` → `1`).
  ///
  /// Returns nil where the result is not known to match `JSONEncoder`: a non-finite double (which
  /// `JSONEncoder` refuses) or an object key outside ASCII (whose sort order it may define
  /// differently); callers then use `JSONEncoder`. `JSONWriterEncoderTests` compares both on
  /// generated values.
  public static func encoderBytes(_ value: JSONValue, escapeSlashes: Bool = true) -> [UInt8]? {
    var output: [UInt8] = []
    output.reserveCapacity(1024)
    guard writeLikeEncoder(value, escapeSlashes: escapeSlashes, into: &output) else { return nil }
    return output
  }

  private static func writeLikeEncoder(_ value: JSONValue, escapeSlashes: Bool, into output: inout [UInt8]) -> Bool {
    switch value {
    case .null: output.append(contentsOf: "null".utf8)
    case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
    case .int(let number): output.append(contentsOf: String(number).utf8)
    case .double(let number):
      guard number.isFinite else { return false }
      var text = number.description
      if text.hasSuffix(".0") { text.removeLast(2) }
      output.append(contentsOf: text.utf8)
    case .string(let text): writeQuoted(text, escapeSlashes: escapeSlashes, shortEscapes: true, into: &output)
    case .array(let elements):
      output.append(UInt8(ascii: "["))
      for (position, element) in elements.enumerated() {
        if position > 0 { output.append(UInt8(ascii: ",")) }
        guard writeLikeEncoder(element, escapeSlashes: escapeSlashes, into: &output) else { return false }
      }
      output.append(UInt8(ascii: "]"))
    case .object(let members):
      guard members.keys.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return false }
      output.append(UInt8(ascii: "{"))
      var first = true
      for (key, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
        if !first { output.append(UInt8(ascii: ",")) }
        first = false
        writeQuoted(key, escapeSlashes: escapeSlashes, shortEscapes: true, into: &output)
        output.append(UInt8(ascii: ":"))
        guard writeLikeEncoder(member, escapeSlashes: escapeSlashes, into: &output) else { return false }
      }
      output.append(UInt8(ascii: "}"))
    }
    return true
  }
}

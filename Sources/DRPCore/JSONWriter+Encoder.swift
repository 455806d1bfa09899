// The bytes Foundation's JSONEncoder (.sortedKeys) writes for a JSONValue, without JSONEncoder.
import Foundation

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
    let style = Style(escapeSlashes: escapeSlashes, shortEscapes: true, encoderNumbers: true, asciiKeysOnly: true)
    guard write(value, style: style, into: &output) else { return nil }
    return output
  }

  /// ``encoderBytes(_:escapeSlashes:)`` of `value`, or, where it declines, what `JSONEncoder`
  /// (`.sortedKeys`, plus `.withoutEscapingSlashes` when `escapeSlashes` is false) writes for
  /// `encodable`, the value `value` stands for: the same bytes either way.
  /// - Throws: what `JSONEncoder` throws for `encodable`.
  public static func encoderData(_ value: JSONValue, escapeSlashes: Bool = true, encoding encodable: some Encodable)
    throws -> Data
  {
    if let bytes = encoderBytes(value, escapeSlashes: escapeSlashes) { return Data(bytes) }
    let encoder = JSONEncoder()
    encoder.outputFormatting = escapeSlashes ? .sortedKeys : [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(encodable)
  }
}

import DRPCore
import Foundation
import XCTest

/// `JSONWriter.encoderBytes` must write exactly what `JSONEncoder` (.sortedKeys, with and without
/// `.withoutEscapingSlashes`) writes: LLM request bodies and the reply cache's keys depend on it.
final class JSONWriterEncoderTests: XCTestCase {
  private func foundation(_ value: JSONValue, escapeSlashes: Bool) throws -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = escapeSlashes ? .sortedKeys : [.sortedKeys, .withoutEscapingSlashes]
    return Array(try encoder.encode(value))
  }

  private func assertSame(_ value: JSONValue, file: StaticString = #filePath, line: UInt = #line) throws {
    for escape in [true, false] {
      let expected = String(decoding: try foundation(value, escapeSlashes: escape), as: UTF8.self)
      let written = JSONWriter.encoderBytes(value, escapeSlashes: escape).map { String(decoding: $0, as: UTF8.self) }
      XCTAssertEqual(written, expected, "escapeSlashes \(escape)", file: file, line: line)
    }
  }

  func testEveryControlCharacterEscapeAndNumberForm() throws {
    let controls = String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
    try assertSame(.string(controls + "\"\\/ é 日本 🙂 \u{7F} \u{2028}"))
    for number in [
      0.0, -0.0, 1.0, -1.0, 0.7, 0.05, 0.95, 1e-5, 1e-7, 1.5e300, 1e16, 1e17, 123456789.0, 2.5, 100.0, 1e21,
      Double.ulpOfOne, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, 0.1 + 0.2,
    ] {
      try assertSame(.double(number))
      try assertSame(.double(-number))
    }
    for number: Int64 in [0, 1, -1, 42, .max, .min] { try assertSame(.int(number)) }
    try assertSame([nil, true, false, [], [:], ["": 1]])
  }

  /// Generated values: nested objects and arrays of every kind, keys sorted by the writer.
  func testGeneratedValuesMatchJSONEncoder() throws {
    var random = SplitMix64(seed: 0xD1CE)
    let pieces = ["a", "B", "z", "_", "/", "\\", "\"", "\n", "\u{1}", "é", "🙂", " ", "0", "max_tokens", "top_p"]
    func string() -> String {
      (0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
    }
    func key() -> String {
      (0..<Int(1 + random.next() % 4)).map { _ in ["a", "b", "A", "_", "z", "1", "/", "-"][Int(random.next() % 8)] }
        .joined()
    }
    func value(depth: Int) -> JSONValue {
      switch random.next() % (depth > 3 ? 5 : 7) {
      case 0: return .null
      case 1: return .bool(random.next() % 2 == 0)
      case 2: return .int(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
      case 3:
        let unit = random.nextUnit()
        return .double([unit, unit * 1e6, Double(Int(unit * 100)) / 100, unit * 1e-9, -unit][Int(random.next() % 5)])
      case 4: return .string(string())
      case 5: return .array((0..<Int(random.next() % 4)).map { _ in value(depth: depth + 1) })
      default:
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int(random.next() % 5) { members[key()] = value(depth: depth + 1) }
        return .object(members)
      }
    }
    for _ in 0..<2_000 { try assertSame(value(depth: 0)) }
  }

  /// Where the result could differ from JSONEncoder the writer declines.
  func testDeclinesNonFiniteNumbersAndNonASCIIKeys() {
    XCTAssertNil(JSONWriter.encoderBytes(.double(.nan)))
    XCTAssertNil(JSONWriter.encoderBytes(["x": [.double(.infinity)]]))
    XCTAssertNil(JSONWriter.encoderBytes(["é": 1]))
  }

  /// `encoderData` is JSONEncoder's output whether the writer writes it or declines and hands the
  /// value to JSONEncoder (with and without escaped slashes).
  func testEncoderDataMatchesJSONEncoderWhereTheWriterDeclines() throws {
    for (value, escapeSlashes) in [(["é/": "a/b"] as JSONValue, true), (["é/": "a/b"], false), (["k/": 1.0], false)] {
      let encoder = JSONEncoder()
      encoder.outputFormatting = escapeSlashes ? .sortedKeys : [.sortedKeys, .withoutEscapingSlashes]
      XCTAssertEqual(
        try JSONWriter.encoderData(value, escapeSlashes: escapeSlashes, encoding: value), try encoder.encode(value))
    }
    XCTAssertThrowsError(try JSONWriter.encoderData(.double(.nan), encoding: JSONValue.double(.nan)))
  }

  /// `JSONWriter.bytes` (the protocol's writer) keeps its own escapes: `/` literal, `\u0008` and
  /// `\u000c`, lower-case hex, everything else byte for byte.
  func testProtocolWriterEscapes() {
    let text = "a/b\u{8}\u{C}\u{1F}\n\r\t\"\\ é 🙂"
    XCTAssertEqual(JSONWriter.string(.string(text)), #""a/b\u0008\u000c\u001f\n\r\t\"\\ é 🙂""#)
    XCTAssertEqual(JSONWriter.string(["k/": [.string(""), .string("x")]]), #"{"k/":["","x"]}"#)
  }
}

import DRPCore
import DRPProtocol
import Foundation
import XCTest

final class JSONParserTests: XCTestCase {
  private let parser = JSONParser()

  func testParsesEveryKindOfValue() throws {
    let value = try parser.parse(
      #" {"a": [1, -2.5, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}, "e": 1e3} "#)
    XCTAssertEqual(value["a"], [1, -2.5, true, false, nil])
    XCTAssertEqual(value["b"]?["c"]?.string, "d\né😀")
    XCTAssertEqual(value["e"], .double(1000))
    XCTAssertEqual(value["a"]?[1]?.double, -2.5)
    XCTAssertNil(value["a"]?[9])
  }

  func testIntegersStayExact() throws {
    XCTAssertEqual(try parser.parse("9007199254740993"), .int(9_007_199_254_740_993))
    XCTAssertEqual(try parser.parse("-9223372036854775808"), .int(Int64.min))
    // Beyond Int64 the value is still a (finite) number.
    XCTAssertEqual(try parser.parse("92233720368547758070").double, 92_233_720_368_547_758_070.0)
    XCTAssertEqual(try parser.parse("2.0").int, 2)
    XCTAssertNil(try parser.parse("2.5").int)
  }

  func testRejectsMalformedInput() {
    let cases: [(String, String)] = [
      ("", "end of input"), ("{", "string key"), ("[1,]", "unexpected character"), ("01", "leading zero"),
      ("1.", "decimal point"), ("1e", "exponent"), ("nul", "literal"), (#""\x""#, "escape"),
      ("\"a\u{01}\"", "control character"), ("[1] 2", "after the JSON value"), (#"{"a":1,"a":2}"#, "duplicate key"),
      ("1e999", "out of range"), ("-1e999", "out of range"), (#""\ud800""#, "surrogate"), (#""\udc00x""#, "surrogate"),
      ("[1 2]", "expected ','"), (#"{"a" 1}"#, "':'"), ("-", "truncated"), ("+1", "unexpected character"),
      (#""abc"#, "unterminated"), ("NaN", "unexpected character"), ("'a'", "unexpected character"),
    ]
    for (text, expected) in cases {
      XCTAssertThrowsError(try parser.parse(text), text) { error in
        XCTAssertTrue("\(error)".contains(expected), "\(text): \(error) should mention \(expected)")
      }
    }
  }

  func testRejectsInvalidUTF8() {
    let cases: [[UInt8]] = [
      [0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xE2, 0x82, 0x22],
      [0x22, 0x5C, 0x6E, 0xED, 0xA0, 0x80, 0x22],
    ]
    for bytes in cases {
      XCTAssertThrowsError(try parser.parse(bytes), "\(bytes)") { error in
        XCTAssertTrue("\(error)".contains("UTF-8"), "\(error)")
      }
    }
    XCTAssertThrowsError(try parser.parse([0xFF]))
  }

  /// The lenient mode (model output) accepts a comma before a closing bracket and repeated keys,
  /// and nothing else the strict mode rejects.
  func testLenientModeAcceptsDanglingCommasAndRepeatedKeysOnly() throws {
    let accepted: [(String, JSONValue)] = [
      ("[1, 2,]", [1, 2]), ("[1, 2 ,\n ]", [1, 2]), (#"{"a": 1,}"#, ["a": 1]), ("[,]", []), ("{ , }", [:]),
      (#"{"a": [{"b": true,},],}"#, ["a": [["b": true]]]), (#"{"a": 1, "a": 2}"#, ["a": 2]),
      (#"["x,]", "y",]"#, ["x,]", "y"]),
    ]
    for (text, expected) in accepted {
      XCTAssertEqual(try JSONParser.lenient.parse(text), expected, text)
      XCTAssertThrowsError(try parser.parse(text), "strict mode rejects \(text)")
    }
    for text in ["[1,,]", "[,1]", "[1,,2]", #"{"a":1,,}"#, "{,", "[1,", "[,", "01", "[1 2]", #"{"a"}"#, "'a'"] {
      XCTAssertThrowsError(try JSONParser.lenient.parse(text), text)
    }
  }

  func testNestingLimit() throws {
    let limit = JSONParser(maxDepth: 64)
    XCTAssertNoThrow(try limit.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)))
    XCTAssertThrowsError(try limit.parse(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))) {
      XCTAssertTrue("\($0)".contains("nesting deeper than 64"))
    }
    XCTAssertThrowsError(try limit.parse(String(repeating: "[", count: 10_000)))
    XCTAssertThrowsError(try limit.parse(String(repeating: #"{"a":"#, count: 10_000)))
  }

  func testWriterSortsKeysEscapesAndRoundTrips() throws {
    let value: JSONValue = ["b": 1, "a": ["x\"\\\n\t\u{01}", 2.5, nil, true], "é": [:]]
    let text = JSONWriter.string(value)
    XCTAssertEqual(text, #"{"a":["x\"\\\n\t\u0001",2.5,null,true],"b":1,"é":{}}"#)
    XCTAssertEqual(try parser.parse(text), value)
    XCTAssertEqual(JSONWriter.string(.double(.infinity)), "null")
  }

  func testWriterIntegersMatchSwiftsDecimalForm() throws {
    var generator = SplitMix64(seed: 9)
    let edges: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, Int64.min + 1, 1_000_000_007]
    let random = (0..<2000).map { _ in Int64(bitPattern: generator.next()) >> (generator.next() % 64) }
    for number in edges + random {
      XCTAssertEqual(JSONWriter.string(.int(number)), String(number))
      XCTAssertEqual(try parser.parse(JSONWriter.bytes(.int(number))), .int(number))
    }
  }

  func testRandomBytesNeverCrashAndSuccessfulParsesRoundTrip() throws {
    var generator = SplitMix64(seed: 42)
    let alphabet = Array(#"{}[]":,.-+eE0123456789truefalsn \u\"#.utf8) + [0xFF, 0xC3, 0xA9, 0x0A]
    var parsed = 0
    for _ in 0..<5000 {
      let length = Int(generator.next() % 24)
      let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
      if let value = try? parser.parse(bytes) {
        parsed += 1
        XCTAssertEqual(try parser.parse(JSONWriter.bytes(value)), value, "\(bytes)")
      }
    }
    XCTAssertGreaterThan(parsed, 0, "the fuzz alphabet should produce some valid documents")
  }

  /// A valid request with 1-3 random bytes replaced: each outcome is a clean one — a parse error
  /// inside the input, or a document that round-trips and is then either a request that round-trips
  /// or a -32600/-32602 refusal — and every outcome occurs.
  func testMutatedRequestsGiveAParseErrorARefusalOrARequest() {
    var generator = SplitMix64(seed: 7)
    let valid = Array(#"{"jsonrpc":"2.0","id":12,"method":"neighbors","params":{"user":"u1","k":10}}"#.utf8)
    var parseErrors = 0, refused = 0, requests = 0
    for _ in 0..<3000 {
      var bytes = valid
      for _ in 0..<(1 + generator.next() % 3) {
        bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
      }
      let value: JSONValue
      switch Result(catching: { () throws(JSONParseError) in try parser.parse(bytes) }) {
      case .failure(let error):
        parseErrors += 1
        XCTAssertTrue((0...bytes.count).contains(error.offset), "\(error) for \(bytes.count) bytes")
        XCTAssertFalse(error.reason.isEmpty)
        continue
      case .success(let parsed): value = parsed
      }
      XCTAssertEqual(try parser.parse(JSONWriter.bytes(value)), value, "\(bytes)")
      switch Result(catching: { () throws(RPCError) in try RPCRequest(json: value) }) {
      case .failure(let error):
        refused += 1
        XCTAssertTrue([-32600, -32602].contains(error.code), "\(error)")
      case .success(let request):
        requests += 1
        XCTAssertEqual(try RPCRequest(json: request.json), request, "\(bytes)")
      }
    }
    XCTAssertEqual(parseErrors + refused + requests, 3000)
    XCTAssertGreaterThan(parseErrors, 0)
    XCTAssertGreaterThan(refused, 0)
    XCTAssertGreaterThan(requests, 0)
  }

  /// Parsing and writing a request again and again gives the same value and the same bytes every time
  /// (its speed is measured where the protocol's cost shows, `drp-bench server`, BENCHMARKS.md).
  func testRepeatedParseAndSerializeOfASmallRequestIsStable() throws {
    let line = Array(#"{"jsonrpc":"2.0","id":12,"method":"neighbors","params":{"user":"A1B2C3","k":10}}"#.utf8)
    let first = try parser.parse(line)
    let written = JSONWriter.bytes(first)
    XCTAssertEqual(written.count, line.count)
    XCTAssertEqual(try parser.parse(written), first)
    for _ in 0..<1_000 {
      let value = try parser.parse(line)
      XCTAssertEqual(value, first)
      XCTAssertEqual(JSONWriter.bytes(value), written)
    }
  }
}

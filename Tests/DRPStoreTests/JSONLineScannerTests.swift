import XCTest

@testable import DRPStore

final class JSONLineScannerTests: XCTestCase {
  private func scan(_ text: String) throws -> [JSONMember] {
    var bytes = Array(text.utf8)
    return try bytes.withUnsafeMutableBufferPointer { try JSONLineScanner.members(of: UnsafeBufferPointer($0)) }
  }

  func testDecodesTopLevelValues() throws {
    let members = try scan(
      #" { "s": "a\"b\\c\/\n\u00e9\ud83d\ude00", "n": -12.5e1, "i": 42, "t": true, "f": false, "z": null, "a": [1, {"x": [ ]}], "o": {"k": "v"} } "#
    )
    XCTAssertEqual(members.map(\.key), ["s", "n", "i", "t", "f", "z", "a", "o"])
    XCTAssertEqual(members[0].value, .string("a\"b\\c/\né😀"))
    XCTAssertEqual(members[1].value, .number(-125))
    XCTAssertEqual(members[2].value, .number(42))
    XCTAssertEqual(members[3].value, .bool(true))
    XCTAssertEqual(members[4].value, .bool(false))
    XCTAssertEqual(members[5].value, .null)
    XCTAssertEqual(members[6].value, .array)
    XCTAssertEqual(members[7].value, .object)
    XCTAssertEqual(try scan("{}").count, 0)
  }

  func testAgreesWithJSONSerializationOnNumbersAndStrings() throws {
    for literal in ["0", "-0.5", "1e-3", "123456789012345678", "3.14159", "\"tab\\there\"", "\"\\u0041\""] {
      let ours = try scan("{\"k\": \(literal)}")[0].value
      let theirs = try JSONSerialization.jsonObject(with: Data("{\"k\": \(literal)}".utf8)) as! [String: Any]
      switch ours {
      case .number(let n): XCTAssertEqual(n, (theirs["k"] as! NSNumber).doubleValue, literal)
      case .string(let s): XCTAssertEqual(s, theirs["k"] as? String, literal)
      default: XCTFail("unexpected \(ours) for \(literal)")
      }
    }
  }

  func testRejectsBadInput() {
    let bad = [
      "", "   ", "[1]", "\"str\"", "{", "{\"a\"", "{\"a\":", "{\"a\":1", "{\"a\":1,}", "{\"a\" 1}", "{a:1}",
      "{\"a\":1} x", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}",
      "{\"a\":\"unterminated}", "{\"a\":\"bad \\q escape\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"raw\tcontrol\"}",
      "{\"a\":[1,2}", "{\"a\":{\"b\":1]}", "{\"a\":{1:2}}", "{\"a\":[1 2]}", "{\"a\":NaN}", "{\"a\":'x'}",
      "{\"a\":1}{\"b\":2}", "{\"user_id\": \"x\", \"text\": \"trunc",
      String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
    ]
    for text in bad {
      let input = text.hasPrefix("[[") ? "{\"deep\":\(text)}" : text
      XCTAssertThrowsError(try scan(input), "accepted: \(input.prefix(60))")
    }
  }

  func testStringArrays() {
    func strings(_ text: String) -> [String]? {
      var bytes = Array(text.utf8)
      return bytes.withUnsafeMutableBufferPointer {
        JSONLineScanner.strings(in: UnsafeBufferPointer($0), range: 0..<text.utf8.count)
      }
    }
    XCTAssertEqual(strings(#"["a", "b\n"]"#), ["a", "b\n"])
    XCTAssertEqual(strings(#"[]"#), [])
    XCTAssertEqual(strings(#""one""#), ["one"])
    XCTAssertNil(strings(#"["a", 1]"#))
    XCTAssertNil(strings(#"{"a": "b"}"#))
    XCTAssertNil(strings(#"["a" "b"]"#))
  }
}

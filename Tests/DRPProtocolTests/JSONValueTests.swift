import DRPCore
import DRPProtocol
import Foundation
import XCTest

final class JSONValueTests: XCTestCase {
  func testAccessorsAndLiterals() {
    let value: JSONValue = ["s": "x", "i": 3, "d": 1.5, "b": true, "n": nil, "a": [1, 2], "o": ["k": "v"]]
    XCTAssertEqual(value["s"]?.string, "x")
    XCTAssertEqual(value["i"]?.int, 3)
    XCTAssertEqual(value["i"]?.double, 3)
    XCTAssertEqual(value["d"]?.double, 1.5)
    XCTAssertEqual(value["b"]?.bool, true)
    XCTAssertEqual(value["n"]?.isNull, true)
    XCTAssertEqual(value["a"]?.array?.count, 2)
    XCTAssertEqual(value["o"]?.object?["k"], "v")
    XCTAssertNil(value["s"]?.int)
    XCTAssertNil(value["missing"])
    XCTAssertNil(JSONValue.string("x")["key"])
  }

  func testIntegerAndDoubleCompareAndHashEqual() {
    XCTAssertEqual(JSONValue.int(2), JSONValue.double(2))
    XCTAssertNotEqual(JSONValue.int(2), JSONValue.double(2.5))
    XCTAssertEqual(Set<JSONValue>([.int(2), .double(2)]).count, 1)
  }

  func testCodableRoundTrip() throws {
    let value: JSONValue = ["a": [1, 2.5, "x", nil, false], "b": ["c": 9_007_199_254_740_993]]
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let data = try encoder.encode(value)
    XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: data), value)
    XCTAssertEqual(try JSONParser().parse(Array(data)), value)
  }
}

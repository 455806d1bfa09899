import DRPCore
import DRPProtocol
import XCTest

final class MessageTests: XCTestCase {
  private func request(_ text: String) throws -> RPCRequest { try RPCRequest(json: try JSONParser().parse(text)) }

  private func assertRejected(
    _ text: String, code: Int, mentioning word: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertThrowsError(try request(text), file: file, line: line) { error in
      let rpc = error as? RPCError
      XCTAssertEqual(rpc?.code, code, "\(text)", file: file, line: line)
      XCTAssertTrue(rpc?.message.contains(word) ?? false, "\(error) should mention \(word)", file: file, line: line)
    }
  }

  func testValidRequestsAndNotifications() throws {
    let full = try request(#"{"jsonrpc":"2.0","id":"a","method":"m","params":{"x":1}}"#)
    XCTAssertEqual(full, RPCRequest(id: .string("a"), method: "m", params: ["x": 1]))
    let bare = try request(#"{"jsonrpc":"2.0","method":"m"}"#)
    XCTAssertNil(bare.id)
    XCTAssertEqual(bare.params, [:])
    XCTAssertEqual(try RPCRequest(json: try JSONParser().parse(full.line.dropLast())), full)
    // By-position params (JSON-RPC 2.0 §4.2) are kept for methods that read them; by-name
    // accessors refuse them naming `params`.
    let positional = try request(#"{"jsonrpc":"2.0","id":2,"method":"sum","params":[1,2,4]}"#)
    XCTAssertEqual(positional.positional, [1, 2, 4])
    XCTAssertEqual(positional.params, [:])
    XCTAssertEqual(try RPCRequest(json: try JSONParser().parse(positional.line.dropLast())), positional)
    let params = RPCParams(positional.params, positional: positional.positional)
    for access in [
      { _ = try params.requireString("user") }, { _ = try params.optionalInt("k", default: 1) },
      {
        try params.rejectUnknown(allowing: [])
      },
    ] {
      XCTAssertThrowsError(try access()) { XCTAssertEqual(($0 as? RPCError)?.data, ["field": "params"]) }
    }
  }

  func testWrongShapesAreRejectedNamingTheField() {
    assertRejected(#"{"id":1,"method":"m"}"#, code: -32600, mentioning: "jsonrpc")
    assertRejected(#"{"jsonrpc":"1.0","id":1,"method":"m"}"#, code: -32600, mentioning: "jsonrpc")
    assertRejected(#"{"jsonrpc":"2.0","id":{},"method":"m"}"#, code: -32600, mentioning: "id")
    assertRejected(#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#, code: -32600, mentioning: "id")
    assertRejected(#"{"jsonrpc":"2.0","id":1,"method":7}"#, code: -32600, mentioning: "method")
    assertRejected(#"{"jsonrpc":"2.0","id":1,"method":"m","params":1}"#, code: -32602, mentioning: "params")
    assertRejected(#"[{"jsonrpc":"2.0","id":1,"method":"m"}]"#, code: -32600, mentioning: "object")
    assertRejected(#""hello""#, code: -32600, mentioning: "object")
    XCTAssertEqual(RPCRequest.salvageID(from: ["id": 5, "method": 1]), .int(5))
  }

  func testResponsesAndNotificationsRoundTrip() throws {
    let parser = JSONParser()
    let ok = RPCResponse(id: .int(3), outcome: .success(["pong": true]))
    XCTAssertEqual(RPCResponse(json: try parser.parse(ok.line.dropLast())), ok)
    let failed = RPCResponse(id: nil, outcome: .failure(.methodNotFound("x")))
    XCTAssertEqual(
      String(decoding: failed.line, as: UTF8.self),
      #"{"error":{"code":-32601,"message":"method not found: x"},"id":null,"jsonrpc":"2.0"}"# + "\n")
    XCTAssertEqual(RPCResponse(json: try parser.parse(failed.line.dropLast())), failed)
    let progress = RPCNotification.progress(for: .int(4), ["delta": "hi"])
    XCTAssertEqual(progress.params, ["delta": "hi", "id": 4])
    XCTAssertEqual(RPCNotification(json: try parser.parse(progress.line.dropLast())), progress)
    XCTAssertNil(RPCResponse(json: try parser.parse(progress.line.dropLast())))
    XCTAssertNil(RPCNotification(json: try parser.parse(ok.line.dropLast())))
  }

  func testParamsHelpersNameTheField() throws {
    let params = RPCParams(["user": "u1", "k": 500, "name": 3, "flag": "yes", "tags": ["a", 1]])
    XCTAssertEqual(try params.requireString("user"), "u1")
    XCTAssertEqual(try params.optionalInt("missing", default: 10, range: 1...100), 10)
    let failures: [(() throws -> Void, String, String)] = [
      ({ _ = try params.requireString("absent") }, "absent", "is required"),
      ({ _ = try params.requireString("name") }, "name", "must be a string"),
      ({ _ = try params.optionalInt("k", default: 10, range: 1...100) }, "k", "between 1 and 100"),
      ({ _ = try params.requireInt("user") }, "user", "integer"),
      ({ _ = try params.optionalBool("flag", default: false) }, "flag", "true or false"),
      ({ _ = try params.requireStringArray("tags") }, "tags", "array of strings"),
      ({ try params.rejectUnknown(allowing: ["user", "k", "name", "flag"]) }, "tags", "not a parameter"),
    ]
    for (body, field, phrase) in failures {
      XCTAssertThrowsError(try body()) { error in
        let rpc = error as? RPCError
        XCTAssertEqual(rpc?.code, -32602)
        XCTAssertEqual(rpc?.data?["field"]?.string, field)
        XCTAssertTrue(rpc?.message.contains(phrase) ?? false, "\(error)")
      }
    }
  }
}

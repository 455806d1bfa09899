import DRPCore
import DRPProtocol
import DRPServerTestSupport
import XCTest

/// Unknown params members are rejected alike by every method of `drp serve`, built-in or app.
final class ServeUnknownParamsTests: XCTestCase {
  /// Valid params of every method of `drp serve`, to which an unknown member is added.
  private static func validParams(user: String) -> [(String, [String: JSONValue])] {
    [
      ("ping", [:]), ("cancel", ["id": 99]), ("auth", ["token": "x"]), ("stats", [:]),
      ("neighbors", ["user": .string(user)]), ("peers", ["user": .string(user), "item": "SI000001"]),
      ("users.get", ["user": .string(user)]),
      ("reviews.add", ["user": .string(user), "item": "SI000001", "rating": 4, "text": "Unknown params test."]),
      ("profile", ["user": .string(user)]), ("generate", ["user": .string(user), "item": "SI000001"]),
    ]
  }

  func testEveryMethodRejectsUnknownParamsTheSameWay() throws {
    let serve = try ServeProcess()
    let user = try XCTUnwrap(try serve.cli(["users", "list", "--limit", "1"]).stdout.split(separator: "\t").first)
    var number: Int64 = 0
    for (method, params) in Self.validParams(user: String(user)) {
      for extra in [JSONValue.int(1), .null, "x"] {
        number += 1
        let connection = try RawConnection(serve.unix)  // a fresh one: `auth` is accepted once per connection
        var withExtra = params
        withExtra["bogus"] = extra
        let reply = connection.call(method, .object(withExtra), id: .int(number), timeout: .seconds(20))
        let label = "\(method) with bogus=\(extra): \(String(describing: reply))"
        XCTAssertEqual(reply?["error"]?["code"], -32602, label)
        XCTAssertEqual(reply?["error"]?["data"]?["field"], "bogus", label)
        XCTAssertEqual(
          reply?["error"]?["message"], "invalid params: \"bogus\" is not a parameter of this method", label)
      }
    }
  }
}

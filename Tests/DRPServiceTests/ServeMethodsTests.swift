import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPService
import DRPTestSupport
import Foundation
import XCTest

/// The app methods of a real `drp serve` process over raw sockets.
final class ServeMethodsTests: XCTestCase {
  /// A user of the sample and one item they reviewed, read from the CLI.
  private func someUserAndItem(_ serve: ServeProcess, _ connection: RawConnection, index: Int = 0) throws
    -> (user: String, item: String)
  {
    let list = try serve.cli(["users", "list", "--limit", "20"])
    let user = String(list.stdout.split(separator: "\n")[index].split(separator: "\t")[0])
    let reply = try XCTUnwrap(connection.call("users.get", ["user": .string(user), "limit": 1]))
    let item = try XCTUnwrap(reply["result"]?["reviews"]?[0]?["item_id"]?.string)
    return (user, item)
  }

  /// Parses CLI `--json` output into a JSONValue.
  private func json(_ result: ProcessResult) throws -> JSONValue {
    XCTAssertEqual(result.status, 0, result.stderr)
    return try JSONParser().parse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  func testPingStatsNeighborsPeersUsersOnTCPAndUnix() throws {
    let serve = try ServeProcess()
    for endpoint in [serve.tcp, serve.unix] {
      let connection = try RawConnection(endpoint)
      XCTAssertEqual(connection.call("ping")?["result"], ["pong": true])
      let stats = try XCTUnwrap(connection.call("stats")?["result"])
      XCTAssertEqual(stats["store"]?["users"], 120)
      XCTAssertEqual(stats["indexed_users"], 120)
      XCTAssertEqual(stats["dimension"], 384)
      XCTAssertEqual(stats["index_stale"], false)
    }
    let connection = try RawConnection(serve.tcp)
    let (user, item) = try someUserAndItem(serve, connection)

    // neighbors by user: the CLI's --json document, value for value.
    let byUser = try XCTUnwrap(connection.call("neighbors", ["user": .string(user), "k": 7])?["result"])
    XCTAssertEqual(byUser, try json(serve.cli(["neighbors", user, "-k", "7", "--json"])))
    let rows = try XCTUnwrap(byUser["neighbors"]?.array)
    XCTAssertEqual(rows.count, 7)
    XCTAssertFalse(rows.contains { $0["id"]?.string == user }, "the user is not their own neighbour")
    let scores = rows.compactMap { $0["score"]?.double }
    XCTAssertEqual(scores, scores.sorted(by: >))
    XCTAssertEqual(
      try XCTUnwrap(connection.call("neighbors", ["user": .string(user)])?["result"]?["neighbors"]?.array).count, 10,
      "k defaults to 10")

    // neighbors with an item filter: only reviewers of the item.
    let filtered = try XCTUnwrap(
      connection.call("neighbors", ["user": .string(user), "k": 50, "item": .string(item)])?["result"])
    XCTAssertEqual(filtered, try json(serve.cli(["neighbors", user, "-k", "50", "--item", item, "--json"])))
    for row in try XCTUnwrap(filtered["neighbors"]?.array) {
      let reviews = try XCTUnwrap(
        connection.call("users.get", ["user": row["id"] ?? nil, "limit": 1000])?["result"]?["reviews"]?.array)
      XCTAssertTrue(reviews.contains { $0["item_id"]?.string == item }, "\(row) did not review \(item)")
    }

    // neighbors by vector: a vector pointing at one user finds that user first.
    let dimension = 384
    var vector = [JSONValue](repeating: 0.0, count: dimension)
    vector[3] = 1.0
    let byVector = try XCTUnwrap(connection.call("neighbors", ["vector": .array(vector), "k": 3])?["result"])
    XCTAssertEqual(byVector["neighbors"]?.array?.count, 3)

    // peers: the CLI's document.
    let peers = try XCTUnwrap(
      connection.call("peers", ["user": .string(user), "item": .string(item), "n": 3, "strategy": "nearest"])?["result"]
    )
    XCTAssertEqual(
      peers, try json(serve.cli(["peers", user, "--item", item, "-n", "3", "--strategy", "nearest", "--json"])))
    for peer in peers["peers"]?.array ?? [] {
      XCTAssertNotNil(peer["review_id"]?.int)
      XCTAssertNotEqual(peer["id"]?.string, user)
    }

    // users.get: count and newest-first reviews.
    let profile = try XCTUnwrap(connection.call("users.get", ["user": .string(user), "limit": 1000])?["result"])
    let reviews = try XCTUnwrap(profile["reviews"]?.array)
    XCTAssertEqual(profile["review_count"]?.int, reviews.count)
    let timestamps = reviews.compactMap { $0["timestamp"]?.int }
    XCTAssertEqual(timestamps, timestamps.sorted(by: >))
    XCTAssertTrue(reviews.allSatisfy { $0["user_id"]?.string == user })
  }

  func testAddedReviewsAreStoredEmbeddedAndReflectedByNeighbors() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.unix)
    let (model, _) = try someUserAndItem(serve, connection, index: 3)
    let history = try XCTUnwrap(
      connection.call("users.get", ["user": .string(model), "limit": 1000])?["result"]?["reviews"]?.array)
    // A new user who writes exactly what `model` wrote has the same user vector.
    for (number, review) in history.enumerated() {
      let added = try XCTUnwrap(
        connection.call(
          "reviews.add",
          [
            "user": "newcomer", "item": review["item_id"] ?? nil, "rating": review["rating"] ?? nil,
            "title": review["title"] ?? nil, "text": review["text"] ?? nil, "timestamp": .int(Int64(number)),
          ], id: .int(Int64(100 + number)))?["result"])
      XCTAssertEqual(added["duplicate"], false)
      XCTAssertEqual(added["indexed"], true)
      XCTAssertNotNil(added["review_id"]?.int)
    }
    let duplicate = connection.call(
      "reviews.add",
      [
        "user": "newcomer", "item": history[0]["item_id"] ?? nil, "rating": history[0]["rating"] ?? nil,
        "title": history[0]["title"] ?? nil, "text": history[0]["text"] ?? nil, "timestamp": 0,
      ])
    XCTAssertEqual(duplicate?["result"]?["duplicate"], true)
    XCTAssertEqual(duplicate?["result"]?["review_id"], nil)

    let stats = try XCTUnwrap(connection.call("stats")?["result"])
    XCTAssertEqual(stats["store"]?["users"], 121)
    XCTAssertEqual(stats["indexed_users"], 121)
    let user = try XCTUnwrap(connection.call("users.get", ["user": "newcomer"])?["result"])
    XCTAssertEqual(user["review_count"]?.int, history.count)
    let nearest = try XCTUnwrap(
      connection.call("neighbors", ["user": "newcomer", "k": 1])?["result"]?["neighbors"]?[0])
    XCTAssertEqual(nearest["id"]?.string, model)
    XCTAssertEqual(nearest["score"]?.double ?? 0, 1, accuracy: 1e-4)
    let back = try XCTUnwrap(
      connection.call("neighbors", ["user": .string(model), "k": 1])?["result"]?["neighbors"]?[0])
    XCTAssertEqual(back["id"], "newcomer")
  }

  /// 200 pipelined requests of several methods on one connection: every reply carries the id of
  /// its request and the content that request asked for, whatever order they arrive in.
  func testPipelinedRequestsAreMatchedByID() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.tcp)
    let users = try serve.cli(["users", "list", "--limit", "50"]).stdout.split(separator: "\n").map {
      String($0.split(separator: "\t")[0])
    }
    var expected: [JSONValue: (method: String, user: String)] = [:]
    for number in 0..<200 {
      let user = users[number % users.count]
      let id = JSONValue.string("r\(number)")
      let method = ["users.get", "neighbors", "ping", "stats"][number % 4]
      expected[id] = (method, user)
      let params: JSONValue
      switch method {
      case "users.get": params = ["user": .string(user), "limit": 1]
      case "neighbors": params = ["user": .string(user), "k": 2]
      default: params = [:]
      }
      connection.request(method, id: id, params: params)
    }
    var order: [JSONValue] = []
    while order.count < 200, let line = connection.readLine() {
      let id = try XCTUnwrap(line["id"])
      let (method, user) = try XCTUnwrap(expected[id], "unexpected id \(id)")
      order.append(id)
      let result = try XCTUnwrap(line["result"], "\(line)")
      switch method {
      case "users.get": XCTAssertEqual(result["user"]?.string, user)
      case "neighbors":
        XCTAssertEqual(result["neighbors"]?.array?.count, 2)
        XCTAssertFalse(result["neighbors"]?.array?.contains { $0["id"]?.string == user } ?? true)
      case "ping": XCTAssertEqual(result, ["pong": true])
      default: XCTAssertEqual(result["store"]?["users"], 120)
      }
    }
    XCTAssertEqual(Set(order).count, 200)
    let inOrder = order == (0..<200).map { JSONValue.string("r\($0)") }
    print("pipelined: replies \(inOrder ? "in request order" : "reordered (index lane runs 2 workers)")")
  }

  func testEngineErrorsHaveDocumentedCodes() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.tcp)
    let (user, _) = try someUserAndItem(serve, connection)
    let cases: [(String, JSONValue, Int, String)] = [
      ("neighbors", ["user": "nobody"], AppErrorCode.notFound, "unknown user 'nobody'"),
      (
        "neighbors", ["user": .string(user), "item": "no-such-item"], AppErrorCode.notFound,
        "unknown item 'no-such-item'"
      ),
      ("peers", ["user": "nobody", "item": "x"], AppErrorCode.notFound, "unknown"),
      ("users.get", ["user": "nobody"], AppErrorCode.notFound, "unknown user 'nobody'"),
    ]
    for (method, params, code, message) in cases {
      let error = connection.call(method, params)?["error"]
      XCTAssertEqual(error?["code"]?.int, code, "\(method) \(params)")
      XCTAssertEqual(error?["data"]?["kind"], "not_found")
      XCTAssertTrue(error?["message"]?.string?.contains(message) == true, "\(String(describing: error))")
    }
  }
}

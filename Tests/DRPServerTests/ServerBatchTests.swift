import DRPCore
import DRPProtocol
import DRPServer
import DRPTestSupport
import Foundation
import Synchronization
import XCTest

/// JSON-RPC 2.0 batches (§6) over real sockets: the specification's own examples get its answers.
final class ServerBatchTests: XCTestCase {
  /// A server with the specification's example methods: `sum`, `subtract` and `get_data` (on the
  /// three lanes) and the notifications `notify_hello` / `notify_sum`, which count their calls.
  private final class SpecServer: Sendable {
    let server: Server
    let endpoints: [Endpoint]
    let notified: Counter
    let directory: TemporaryDirectory

    /// Notifications run so far.
    final class Counter: Sendable {
      private let count = Mutex(0)
      func add() { count.withLock { $0 += 1 } }
      var value: Int { count.withLock { $0 } }
    }

    /// The by-position params as integers.
    static func numbers(_ params: RPCParams) throws(RPCError) -> [Int64] {
      guard let values = params.positional, values.allSatisfy({ $0.int != nil }) else {
        throw .invalidParams(field: "params", "must be an array of integers")
      }
      return values.map { Int64($0.int!) }
    }

    init(limits: ServerLimits = ServerLimits(), token: String? = nil) throws {
      let directory = try TemporaryDirectory("drp-batch")
      let server = Server(
        configuration: ServerConfiguration(
          listeners: [.tcp(host: "127.0.0.1", port: 0), .unix(path: directory.path("s.sock"))], token: token,
          limits: limits),
        logger: .silent)
      server.register("sum", lane: .index) { params, _ in .int(try Self.numbers(params).reduce(0, +)) }
      server.register("subtract") { params, _ in
        let values = try Self.numbers(params)
        guard values.count == 2 else { throw RPCError.invalidParams(field: "params", "needs two numbers") }
        return .int(values[0] - values[1])
      }
      server.register("get_data", lane: .background) { _, _ in ["hello", 5] }
      let notified = Counter()
      for name in ["notify_hello", "notify_sum"] {
        server.register(name, lane: .index) { _, _ in
          notified.add()
          return .null
        }
      }
      ServerFixture.registerSlow(on: server)
      self.directory = directory
      self.server = server
      self.notified = notified
      endpoints = try server.start()
    }

    deinit { server.shutdown(deadline: .milliseconds(200)) }

    /// Waits (at most 5 s) until `count` notifications ran.
    func waitForNotifications(_ count: Int) -> Int {
      let deadline = ContinuousClock.now + .seconds(5)
      while notified.value < count && ContinuousClock.now < deadline { usleep(2000) }
      return notified.value
    }
  }

  /// The reply members the specification shows: `id` and `result`, or `id` and the error `code`.
  private func summary(_ reply: JSONValue?) -> [String] {
    guard let members = reply?.array else { return ["not an array: \(String(describing: reply))"] }
    return members.map { member in
      let id = member["id"].map { JSONWriter.string($0) } ?? "missing"
      XCTAssertEqual(member["jsonrpc"], "2.0")
      if let error = member["error"] { return "\(id) error \(error["code"]?.int ?? 0)" }
      return "\(id) result \(member["result"].map { JSONWriter.string($0) } ?? "missing")"
    }
  }

  func testSpecificationBatchExamplesGetTheSpecificationsAnswers() throws {
    let spec = try SpecServer()
    for endpoint in spec.endpoints {
      let connection = try RawConnection(endpoint)
      let before = spec.notified.value
      // rpc call Batch.
      connection.write(
        """
        [{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"}, \
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}, \
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"}, \
        {"foo": "boo"}, \
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"}, \
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"}]

        """)
      // The specification's answer, in request order (it allows any order; drp keeps the requests').
      XCTAssertEqual(
        summary(connection.readLine()),
        ["\"1\" result 7", "\"2\" result 19", "null error -32600", "\"5\" error -32601", "\"9\" result [\"hello\",5]"])
      XCTAssertEqual(spec.waitForNotifications(before + 1), before + 1, "the notification ran, unanswered")

      // rpc call Batch, invalid JSON: one error object, not an array.
      connection.write(
        """
        [{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method"]

        """)
      let parseError = connection.readLine()
      XCTAssertEqual(parseError?["error"]?["code"], -32700)
      XCTAssertEqual(parseError?["id"], .null)
      // rpc call with an empty Array: one error object.
      connection.write("[]\n")
      let empty = connection.readLine()
      XCTAssertEqual(empty?["error"]?["code"], -32600)
      XCTAssertEqual(empty?["id"], .null)
      XCTAssertNil(empty?.array)
      // rpc call with an invalid Batch (but not empty): an array of one error.
      connection.write("[1]\n")
      XCTAssertEqual(summary(connection.readLine()), ["null error -32600"])
      // rpc call with invalid Batch: an array of three errors.
      connection.write("[1,2,3]\n")
      XCTAssertEqual(summary(connection.readLine()), ["null error -32600", "null error -32600", "null error -32600"])
      // rpc call Batch (all notifications): nothing is returned; the next reply is the ping's.
      connection.write(
        """
        [{"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]}, \
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}]

        """)
      connection.request("ping", id: "after")
      XCTAssertEqual(connection.readLine()?["id"], "after", "a batch of notifications gets no reply")
      XCTAssertEqual(spec.waitForNotifications(before + 3), before + 3)
      // The specification's single calls with by-position params.
      XCTAssertEqual(connection.call("subtract", [42, 23])?["result"], 19)
      XCTAssertEqual(connection.call("subtract", [23, 42], id: 2)?["result"], -19)
    }
  }

  func testBatchMembersGetTheLimitsAndChecksOfSingleRequests() throws {
    var limits = ServerLimits()
    limits.maxInFlightPerConnection = 2
    let spec = try SpecServer(limits: limits, token: "secret")
    let connection = try RawConnection(spec.endpoints[0])
    // Unauthenticated: every member is refused in the array; notifications stay silent.
    connection.write(
      #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notify_hello"},{"jsonrpc":"2.0","id":2,"method":"sum","params":[1]}]"#
        + "\n")
    XCTAssertEqual(summary(connection.readLine()), ["1 error -32004", "2 error -32004"])
    XCTAssertEqual(spec.notified.value, 0)
    // `auth` is refused inside a batch (failed attempts are answered after a delay on the
    // connection's own line; a batch could carry any number of guesses), even with the right token:
    // the rest of the batch stays unauthenticated.
    connection.write(
      #"[{"jsonrpc":"2.0","id":9,"method":"auth","params":{"token":"secret"}},{"jsonrpc":"2.0","id":3,"method":"sum","params":[2,3]}]"#
        + "\n")
    XCTAssertEqual(summary(connection.readLine()), ["9 error -32600", "3 error -32004"])
    // On its own line it authenticates the connection, and batches then run.
    XCTAssertEqual(connection.call("auth", ["token": "secret"], id: 10)?["result"], ["authenticated": true])
    connection.write(#"[{"jsonrpc":"2.0","id":3,"method":"sum","params":[2,3]}]"# + "\n")
    XCTAssertEqual(summary(connection.readLine()), ["3 result 5"])
    // Members beyond the in-flight limit get -32002 (a whole batch line is read at once, so even
    // index-lane members, which single lines would wait for, are refused); an id
    // already in flight gets -32600; the array comes once the slow members are done. (A fresh
    // connection: nothing of the previous batches is in flight on it.)
    let fresh = try RawConnection(spec.endpoints[0])
    XCTAssertEqual(fresh.call("auth", ["token": "secret"], id: 0)?["result"], ["authenticated": true])
    let started = ContinuousClock.now
    fresh.write(
      #"[{"jsonrpc":"2.0","id":"a","method":"slow","params":{"ms":300}},{"jsonrpc":"2.0","id":"a","method":"sum","params":[1]},"#
        + #"{"jsonrpc":"2.0","id":"b","method":"slow","params":{"ms":300}},{"jsonrpc":"2.0","id":"c","method":"slow"},"#
        + #"{"jsonrpc":"2.0","id":"d","method":"ping"},{"jsonrpc":"2.0","id":"e","method":"sum","params":[1]}]"# + "\n")
    XCTAssertEqual(
      summary(fresh.readLine()),
      [
        "\"a\" result {\"slept\":300}", "\"a\" error -32600", "\"b\" result {\"slept\":300}", "\"c\" error -32002",
        "\"d\" result {\"pong\":true}", "\"e\" error -32002",
      ])
    XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(300))
    // A batch line is a line: longer than the line limit, it gets -32001 like any other.
    let connection2 = try RawConnection(spec.endpoints[1])
    let long =
      "[" + Array(repeating: #"{"jsonrpc":"2.0","method":"notify_hello"}"#, count: 30_000).joined(separator: ",")
    connection2.write(long + "]\n")
    XCTAssertEqual(connection2.readLine()?["error"]?["code"], -32001)
    connection2.request("ping", id: 1)
    XCTAssertEqual(connection2.readLine()?["id"], 1)
  }

  func testCancellingABatchMemberAnswersItInTheArray() throws {
    let spec = try SpecServer()
    let connection = try RawConnection(spec.endpoints[0])
    connection.write(
      #"[{"jsonrpc":"2.0","id":1,"method":"slow","params":{"ms":30000}},{"jsonrpc":"2.0","id":2,"method":"sum","params":[4]}]"#
        + "\n")
    usleep(50_000)
    connection.request("cancel", id: 3, params: ["id": 1])
    let first = connection.readLine(timeout: .seconds(5))
    let second = connection.readLine(timeout: .seconds(5))
    let lines = [first, second]
    XCTAssertTrue(lines.contains { $0?["result"] == ["cancelled": true] }, "\(lines)")
    XCTAssertTrue(lines.contains { summary($0) == ["1 error -32800", "2 result 4"] }, "\(lines)")
  }
}

import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import Foundation
import Glibc
import Synchronization
import XCTest

final class ServerMethodsTests: XCTestCase {
  func testPingOnTCPAndUnixSocketWithEphemeralPortAndPrivateSocket() throws {
    let fixture = try ServerFixture()
    XCTAssertNotEqual(fixture.tcp.port, 0)
    for endpoint in [fixture.tcp, fixture.unix] {
      let connection = try RawConnection(endpoint)
      connection.request("ping", id: 1)
      XCTAssertEqual(connection.readLine(), ["jsonrpc": "2.0", "id": 1, "result": ["pong": true]])
    }
    var status = stat()
    XCTAssertEqual(stat(fixture.socketPath, &status), 0)
    XCTAssertEqual(status.st_mode & 0o777, 0o600)
  }

  func testSlowRequestThenFastOneRepliesOutOfOrder() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.tcp)
    connection.request("slow", id: "s", params: ["ms": 400])
    connection.request("echo", id: "e", params: ["x": 1])
    XCTAssertEqual(connection.readLine()?["id"], "e")
    let slow = connection.readLine()
    XCTAssertEqual(slow?["id"], "s")
    XCTAssertEqual(slow?["result"]?["slept"], 400)
  }

  func testStreamingNotificationsArriveBeforeTheFinalReply() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.unix)
    connection.request("stream", id: 9, params: ["n": 5])
    for index in 0..<5 {
      let line = connection.readLine()
      XCTAssertEqual(line?["method"], "progress")
      XCTAssertNil(line?["id"])
      XCTAssertEqual(line?["params"], ["id": 9, "delta": .string("part\(index)")])
    }
    XCTAssertEqual(connection.readLine()?["result"], ["parts": 5])
  }

  func testCancelStopsTheTaskAndAnswersWithTheCancelledCode() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.tcp)
    let start = ContinuousClock.now
    connection.request("slow", id: 1, params: ["ms": 30_000])
    connection.request("cancel", id: 2, params: ["id": 1])
    let first = connection.readLine()
    XCTAssertEqual(first?["id"], 1)
    XCTAssertEqual(first?["error"]?["code"], -32800)
    XCTAssertEqual(connection.readLine()?["result"], ["cancelled": true])
    connection.request("cancel", id: 3, params: ["id": 1])
    XCTAssertEqual(connection.readLine()?["result"], ["cancelled": false])
    connection.request("cancel", id: 4, params: ["id": [1]])
    XCTAssertEqual(connection.readLine()?["error"]?["data"]?["field"], "id")
    XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    // The cancelled task released its background slot.
    let deadline = ContinuousClock.now + .seconds(5)
    while fixture.server.stats().backgroundRunning > 0 && ContinuousClock.now < deadline { usleep(10_000) }
    XCTAssertEqual(fixture.server.stats().backgroundRunning, 0)
  }

  func testErrorsFromDispatchAndHandlers() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.tcp)
    connection.request("nope", id: 1)
    XCTAssertEqual(connection.readLine()?["error"]?["code"], -32601)
    connection.request("needs", id: 2, params: ["user": 5])
    let invalid = connection.readLine()
    XCTAssertEqual(invalid?["error"]?["code"], -32602)
    XCTAssertEqual(invalid?["error"]?["data"]?["field"], "user")
    connection.request("fail", id: 3)
    XCTAssertEqual(connection.readLine()?["error"], ["code": -32000, "message": "the fixture failed on purpose"])
    // A client notification runs the method but gets no reply.
    connection.write(#"{"jsonrpc":"2.0","method":"echo","params":{}}"# + "\n")
    connection.request("ping", id: 4)
    XCTAssertEqual(connection.readLine()?["id"], 4)
    // The same id twice while the first is in flight.
    connection.request("slow", id: 5, params: ["ms": 300])
    connection.request("slow", id: 5, params: ["ms": 1])
    XCTAssertEqual(connection.readLine()?["error"]?["code"], -32600)
    XCTAssertEqual(connection.readLine()?["result"], ["slept": 300])
  }

  func testInFlightCapPerConnection() throws {
    var limits = ServerLimits()
    limits.maxInFlightPerConnection = 2
    let fixture = try ServerFixture(limits: limits)
    let connection = try RawConnection(fixture.tcp)
    for id in 1...3 { connection.request("slow", id: .int(Int64(id)), params: ["ms": 300]) }
    let rejected = connection.readLine()
    XCTAssertEqual(rejected?["id"], 3)
    XCTAssertEqual(rejected?["error"]?["code"], -32002)
    let finished = Set([connection.readLine()?["id"], connection.readLine()?["id"]].compactMap { $0 })
    XCTAssertEqual(finished, [1, 2])
  }

  func testBackgroundConcurrencyCapQueuesInsteadOfFailing() throws {
    var limits = ServerLimits()
    limits.maxConcurrentBackground = 1
    let fixture = try ServerFixture(limits: limits)
    let connection = try RawConnection(fixture.tcp)
    let start = ContinuousClock.now
    for id in 1...3 { connection.request("slow", id: .int(Int64(id)), params: ["ms": 100]) }
    var ids: [JSONValue] = []
    for _ in 1...3 { ids.append(connection.readLine()?["id"] ?? nil) }
    XCTAssertEqual(ids, [1, 2, 3])
    XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(300))
  }

  func testTokenAuthenticationOnTCP() throws {
    let fixture = try ServerFixture(token: "s3cret")
    let unauthenticated = try RawConnection(fixture.tcp)
    unauthenticated.request("ping", id: 1)
    XCTAssertEqual(unauthenticated.readLine()?["error"]?["code"], -32004)
    unauthenticated.write(#"{"jsonrpc":"2.0","method":"auth","params":{"token":"s3cret"}}"# + "\n")
    unauthenticated.request("ping", id: 2)
    XCTAssertEqual(unauthenticated.readLine()?["result"], ["pong": true])

    // A wrong token is answered after a delay; the connection closes after the third
    // (ServerProtocolEdgeTests has the details).
    let wrong = try RawConnection(fixture.tcp)
    for attempt in 1...3 {
      wrong.request("auth", id: .int(Int64(attempt)), params: ["token": "guess"])
      XCTAssertEqual(wrong.readLine()?["error"]?["code"], -32004)
    }
    XCTAssertTrue(wrong.waitForClose())

    // The Unix socket (mode 0600) needs no token.
    let local = try RawConnection(fixture.unix)
    local.request("ping", id: 1)
    XCTAssertEqual(local.readLine()?["result"], ["pong": true])

    let client = try RPCClient(connectingTo: fixture.tcp.description, timeout: .seconds(5), token: "s3cret")
    XCTAssertEqual(try client.call("ping"), ["pong": true])
  }

  func testRemoteListenerNeedsAllowRemoteAndToken() {
    for (allow, token) in [(false, "t"), (true, nil), (false, nil)] as [(Bool, String?)] {
      let server = Server(
        configuration: ServerConfiguration(
          listeners: [.tcp(host: "0.0.0.0", port: 0)], allowRemote: allow, token: token),
        logger: .silent)
      XCTAssertThrowsError(try server.start()) { XCTAssertTrue("\($0)".contains("allowRemote"), "\($0)") }
    }
  }

  func testRPCClientCallsStreamsAndThrows() throws {
    let fixture = try ServerFixture()
    for address in [
      fixture.tcp.description, "127.0.0.1:\(fixture.tcp.port!)", "unix:\(fixture.socketPath)", fixture.socketPath,
    ] {
      let client = try RPCClient(connectingTo: address, timeout: .seconds(5))
      var deltas: [String] = []
      let result = try client.call("stream", params: ["n": 3]) { deltas.append($0.params["delta"]?.string ?? "?") }
      XCTAssertEqual(result, ["parts": 3])
      XCTAssertEqual(deltas, ["part0", "part1", "part2"])
      XCTAssertThrowsError(try client.call("needs")) { XCTAssertEqual(($0 as? RPCError)?.code, -32602) }
      XCTAssertThrowsError(try client.call("slow", params: ["ms": 2000], timeout: .milliseconds(100))) {
        XCTAssertTrue("\($0)".contains("timed out"))
      }
    }
    XCTAssertThrowsError(try Endpoint(parsing: "no-port"))
    XCTAssertEqual(try Endpoint(parsing: "[::1]:80"), .tcp(host: "::1", port: 80))
    XCTAssertThrowsError(try RPCClient(connectingTo: "unix:" + fixture.directory.path("absent.sock")))
  }

  func testSequentialRoundTripLatency() throws {
    let fixture = try ServerFixture()
    for endpoint in [fixture.tcp, fixture.unix] {
      let client = try RPCClient(connectingTo: endpoint.description, timeout: .seconds(5))
      let rounds = 2000
      let start = ContinuousClock.now
      for _ in 0..<rounds { XCTAssertEqual(try client.call("ping"), ["pong": true]) }
      let elapsed = ContinuousClock.now - start
      print("\(endpoint): \(rounds) sequential pings in \(elapsed) (\(elapsed / rounds) each)")
      XCTAssertLessThan(elapsed / rounds, .milliseconds(5))
    }
  }

  func testInlineMethodsNeverWaitBehindBackgroundWork() throws {
    var limits = ServerLimits()
    limits.maxConcurrentBackground = 1
    let fixture = try ServerFixture(limits: limits)
    let busy = try RawConnection(fixture.tcp)
    for id in 1...3 { busy.request("slow", id: .int(Int64(id)), params: ["ms": 2000]) }
    let start = ContinuousClock.now
    busy.request("echo", id: "fast", params: ["q": 1])
    XCTAssertEqual(busy.readLine()?["id"], "fast")
    XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(500))
  }

  func testLoggerWritesOneLinePerRequestWithMethodIdDurationAndStatus() throws {
    let lines = Mutex<[String]>([])
    let server = Server(
      configuration: ServerConfiguration(listeners: [.tcp(host: "127.0.0.1", port: 0)]),
      logger: Logger(level: .debug) { line in lines.withLock { $0.append(line) } })
    let endpoint = try server.start()[0]
    let client = try RPCClient(connectingTo: endpoint.description, timeout: .seconds(5))
    _ = try client.call("ping")
    XCTAssertThrowsError(try client.call("missing"))
    server.shutdown(deadline: .milliseconds(100))
    let logged = lines.withLock { $0 }
    let ping = logged.first { $0.contains("method=ping") }
    XCTAssertNotNil(ping)
    XCTAssertTrue(ping?.contains(" debug request ") ?? false, ping ?? "")
    XCTAssertTrue(ping?.contains("id=1") ?? false)
    XCTAssertTrue(ping?.contains("status=ok") ?? false)
    XCTAssertTrue(ping?.contains(" us=") ?? false)
    let failure = logged.first { $0.contains("method=missing") }
    XCTAssertTrue(failure?.contains(" warning ") ?? false, failure ?? "")
    XCTAssertTrue(failure?.contains("status=-32601") ?? false)
    XCTAssertTrue(logged.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().allSatisfy { $0 != "\n" } })
  }
}

import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPTestSupport
import Foundation
import Glibc
import Synchronization
import XCTest

/// Where handlers of the lane tests wait until the test opens it: `hold` (index lane) and
/// `holdAsync` (background lane) enter it and return once it is open, so a test can keep work
/// running for exactly as long as it checks something, without timing anything. A handler waits
/// at most 10 s, so a server that breaks the lanes fails the test instead of hanging it.
final class Gate: Sendable {
  private let state = Mutex((open: false, entered: 0))
  private static let patience = Duration.seconds(10)

  /// Lets every waiting and later handler through.
  func open() { state.withLock { $0.open = true } }

  private var isOpen: Bool { state.withLock { $0.open } }

  /// Blocks the calling (worker) thread until the gate opens.
  func waitBlocking() {
    state.withLock { $0.entered += 1 }
    let deadline = ContinuousClock.now + Self.patience
    while !isOpen && ContinuousClock.now < deadline { usleep(1000) }
  }

  /// Suspends the calling task until the gate opens (or the request is cancelled).
  func wait(_ context: RequestContext) async throws {
    state.withLock { $0.entered += 1 }
    let deadline = ContinuousClock.now + Self.patience
    while !isOpen && ContinuousClock.now < deadline {
      try context.checkCancellation()
      try await Task.sleep(for: .milliseconds(1))
    }
  }

  /// True once `count` handlers have entered (false after 10 s).
  func waitUntilEntered(_ count: Int) -> Bool {
    let deadline = ContinuousClock.now + Self.patience
    while state.withLock({ $0.entered }) < count {
      guard ContinuousClock.now < deadline else { return false }
      usleep(1000)
    }
    return true
  }
}

/// The `.index` lane: a fixed worker pool, separate from the event loop and the background lane.
/// The lane tests hold work at a `Gate` and check what is answered meanwhile: a reply that would
/// have to wait for the held work never comes (the read times out), so they fail if the lanes
/// were not separate, and no assertion depends on how fast the machine is.
final class ServerIndexLaneTests: XCTestCase {
  private func makeServer(limits: ServerLimits = ServerLimits(), gate: Gate = Gate()) throws -> (Server, Endpoint) {
    let server = Server(
      configuration: ServerConfiguration(listeners: [.tcp(host: "127.0.0.1", port: 0)], limits: limits),
      logger: .silent)
    server.register("busy", lane: .index) { params, _ in
      let millis = try params.optionalInt("ms", default: 100, range: 0...5000)
      let start = ContinuousClock.now
      var spins = 0
      while ContinuousClock.now - start < .milliseconds(millis) { spins += 1 }
      return ["ms": .int(Int64(millis))]
    }
    server.register("hold", lane: .index) { _, _ in
      gate.waitBlocking()
      return ["held": true]
    }
    server.registerAsync("holdAsync") { _, context in
      try await gate.wait(context)
      return ["held": true]
    }
    server.register("reject", lane: .index) { params, _ in .string(try params.requireString("user")) }
    ServerFixture.registerSlow(on: server)
    let endpoints = try server.start()
    return (server, endpoints[0])
  }

  func testIndexWorkRunsOffTheLoopSoPingAnswersMeanwhile() throws {
    let gate = Gate()
    let (server, endpoint) = try makeServer(gate: gate)
    defer { server.shutdown(deadline: .milliseconds(200)) }
    defer { gate.open() }
    let busy = try RawConnection(endpoint)
    busy.request("hold", id: 1)
    XCTAssertTrue(gate.waitUntilEntered(1), "the index request never started")
    let other = try RawConnection(endpoint)
    other.request("ping", id: 2)
    XCTAssertEqual(other.readLine()?["result"], ["pong": true], "ping waited for index work")
    gate.open()
    XCTAssertEqual(busy.readLine()?["result"], ["held": true])
  }

  func testIndexWorkDoesNotQueueBehindSaturatedBackgroundWork() throws {
    var limits = ServerLimits()
    limits.maxConcurrentBackground = 1
    let gate = Gate()
    let (server, endpoint) = try makeServer(limits: limits, gate: gate)
    defer { server.shutdown(deadline: .milliseconds(200)) }
    defer { gate.open() }
    let connection = try RawConnection(endpoint)
    // One background request holds the only background slot, two more wait for it.
    for id in 1...3 { connection.request("holdAsync", id: .int(Int64(id))) }
    XCTAssertTrue(gate.waitUntilEntered(1), "the background request never started")
    connection.request("busy", id: "q", params: ["ms": 1])
    XCTAssertEqual(connection.readLine()?["id"], "q", "index request queued behind background work")
    gate.open()
    var ids: Set<JSONValue> = []
    for _ in 1...3 { if let id = connection.readLine()?["id"] { ids.insert(id) } }
    XCTAssertEqual(ids, [1, 2, 3])
  }

  func testTwoWorkersRunConcurrentlyAndOutOfOrderRepliesMatchIDs() throws {
    let gate = Gate()
    let (server, endpoint) = try makeServer(gate: gate)
    defer { server.shutdown(deadline: .milliseconds(200)) }
    defer { gate.open() }
    let connection = try RawConnection(endpoint)
    connection.request("hold", id: "long")
    XCTAssertTrue(gate.waitUntilEntered(1), "the long request never started")
    // One worker is held: the second one answers these meanwhile.
    connection.request("busy", id: "short", params: ["ms": 10])
    connection.request("reject", id: "bad", params: ["user": 3])
    var replies: [JSONValue: JSONValue] = [:]
    for _ in 0..<2 {
      guard let line = connection.readLine(), let id = line["id"] else { break }
      replies[id] = line
    }
    XCTAssertEqual(Set(replies.keys), ["short", "bad"], "the short requests waited for the long one")
    XCTAssertEqual(replies["bad"]?["error"]?["data"]?["field"], "user")
    XCTAssertEqual(replies["short"]?["result"]?["ms"], 10)
    gate.open()
    XCTAssertEqual(connection.readLine()?["id"], "long")
  }

  func testCancelOfAQueuedIndexRequestAnswersCancelled() throws {
    var limits = ServerLimits()
    limits.indexThreads = 1
    let gate = Gate()
    let (server, endpoint) = try makeServer(limits: limits, gate: gate)
    defer { server.shutdown(deadline: .milliseconds(200)) }
    defer { gate.open() }
    let connection = try RawConnection(endpoint)
    connection.request("hold", id: 1)
    XCTAssertTrue(gate.waitUntilEntered(1), "the first request never started")
    // The only worker is held, so request 2 is still queued when it is cancelled.
    connection.request("busy", id: 2, params: ["ms": 0])
    connection.request("cancel", id: 3, params: ["id": 2])
    XCTAssertEqual(connection.readLine()?["error"]?["code"], -32800)
    XCTAssertEqual(connection.readLine()?["result"], ["cancelled": true])
    gate.open()
    XCTAssertEqual(connection.readLine()?["id"], 1)
    connection.request("ping", id: 4)
    XCTAssertEqual(connection.readLine()?["id"], 4, "the cancelled request produced no second reply")
  }

  func testAnIDCanBeReusedAsSoonAsItsIndexReplyArrives() throws {
    // Index workers answer directly and the loop forgets the request a moment later: a client
    // reusing the id right after reading the reply must not get "already in flight".
    let (server, endpoint) = try makeServer()
    defer { server.shutdown(deadline: .milliseconds(200)) }
    let connection = try RawConnection(endpoint)
    for round in 0..<2000 {
      connection.request("busy", id: 1, params: ["ms": 0])
      guard let reply = connection.readLine() else { return XCTFail("no reply in round \(round)") }
      guard reply["result"]?["ms"] == 0 else { return XCTFail("round \(round): \(reply)") }
    }
  }

  func testCancelRacingCompletionGivesExactlyOneFinalReply() throws {
    let (server, endpoint) = try makeServer()
    defer { server.shutdown(deadline: .milliseconds(200)) }
    let connection = try RawConnection(endpoint)
    var outcomes: [String: Int] = [:]
    for round in 0..<300 {
      // 0 ms: the worker and the cancel race; both outcomes are fine, two replies are not.
      connection.request("busy", id: 7, params: ["ms": 0])
      connection.request("cancel", id: 8, params: ["id": 7])
      var target: JSONValue?
      var cancelled: JSONValue?
      for _ in 0..<2 {
        guard let line = connection.readLine() else { return XCTFail("round \(round): missing reply") }
        if line["id"] == 7 { XCTAssertNil(target, "round \(round): second reply for id 7"); target = line }
        if line["id"] == 8 { cancelled = line["result"]?["cancelled"] }
      }
      let wasCancelled = target?["error"]?["code"] == -32800
      XCTAssertEqual(
        cancelled, .bool(wasCancelled), "round \(round): cancel result disagrees with \(String(describing: target))")
      if !wasCancelled { XCTAssertEqual(target?["result"]?["ms"], 0, "round \(round)") }
      outcomes[wasCancelled ? "cancelled" : "answered", default: 0] += 1
    }
    connection.request("ping", id: 9)
    XCTAssertEqual(connection.readLine()?["id"], 9, "no stray reply is left on the connection")
    XCTAssertEqual(outcomes.values.reduce(0, +), 300)
  }

  func testBusyPollingStopsWhenTheServerIsIdle() throws {
    // After a burst of traffic the loop and the workers poll for at most `busyPoll` and then
    // sleep: an idle second costs (almost) no CPU.
    var limits = ServerLimits()
    limits.busyPoll = .milliseconds(5)
    let (server, endpoint) = try makeServer(limits: limits)
    defer { server.shutdown(deadline: .milliseconds(200)) }
    let connection = try RawConnection(endpoint)
    for id in 0..<200 {
      connection.request(id % 2 == 0 ? "ping" : "busy", id: .int(Int64(id)), params: ["ms": 0])
      XCTAssertNotNil(connection.readLine())
    }
    usleep(100_000)
    let before = Self.processCPUTime()
    usleep(1_000_000)
    let used = Self.processCPUTime() - before
    XCTAssertLessThan(used, 0.1, "the idle server used \(used) s of CPU in 1 s")
    connection.request("ping", id: "after")
    XCTAssertEqual(connection.readLine()?["id"], "after")
  }

  func testWithoutBusyPollingEveryLaneStillAnswers() throws {
    var limits = ServerLimits()
    limits.busyPoll = .zero
    let (server, endpoint) = try makeServer(limits: limits)
    defer { server.shutdown(deadline: .milliseconds(200)) }
    let connection = try RawConnection(endpoint)
    for id in 0..<100 {
      let method = ["ping", "busy", "slow"][id % 3]
      connection.request(method, id: .int(Int64(id)), params: ["ms": 0])
      XCTAssertEqual(connection.readLine()?["id"], .int(Int64(id)), method)
    }
  }

  private static func processCPUTime() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
      + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
  }
}

import DRPCore
import DRPProtocol
import DRPServer
import DRPTestSupport
import Foundation
import Glibc
import XCTest

/// The `.index` lane: a fixed worker pool, separate from the event loop and the background lane.
final class ServerIndexLaneTests: XCTestCase {
  private func makeServer(limits: ServerLimits = ServerLimits()) throws -> (Server, Endpoint) {
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
    server.register("reject", lane: .index) { params, _ in .string(try params.requireString("user")) }
    server.registerAsync("slow") { params, context in
      let millis = try params.optionalInt("ms", default: 200, range: 0...60_000)
      let start = ContinuousClock.now
      while ContinuousClock.now - start < .milliseconds(millis) {
        try context.checkCancellation()
        try await Task.sleep(for: .milliseconds(5))
      }
      return ["slept": .int(Int64(millis))]
    }
    let endpoints = try server.start()
    return (server, endpoints[0])
  }

  func testIndexWorkRunsOffTheLoopSoPingAnswersMeanwhile() throws {
    let (server, endpoint) = try makeServer()
    defer { server.shutdown(deadline: .milliseconds(200)) }
    let busy = try RawConnection(endpoint)
    busy.request("busy", id: 1, params: ["ms": 400])
    usleep(50_000)
    let other = try RawConnection(endpoint)
    let start = ContinuousClock.now
    other.request("ping", id: 2)
    XCTAssertEqual(other.readLine()?["result"], ["pong": true])
    XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(200), "ping waited for index work")
    XCTAssertEqual(busy.readLine()?["result"]?["ms"], 400)
  }

  func testIndexWorkDoesNotQueueBehindSaturatedBackgroundWork() throws {
    var limits = ServerLimits()
    limits.maxConcurrentBackground = 1
    let (server, endpoint) = try makeServer(limits: limits)
    defer { server.shutdown(deadline: .milliseconds(200)) }
    let connection = try RawConnection(endpoint)
    for id in 1...3 { connection.request("slow", id: .int(Int64(id)), params: ["ms": 500]) }
    let start = ContinuousClock.now
    connection.request("busy", id: "q", params: ["ms": 1])
    XCTAssertEqual(connection.readLine()?["id"], "q")
    XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(300), "index request queued behind background work")
  }

  func testTwoWorkersRunConcurrentlyAndOutOfOrderRepliesMatchIDs() throws {
    let (server, endpoint) = try makeServer()
    defer { server.shutdown(deadline: .milliseconds(200)) }
    let connection = try RawConnection(endpoint)
    connection.request("busy", id: "long", params: ["ms": 300])
    connection.request("busy", id: "short", params: ["ms": 10])
    connection.request("reject", id: "bad", params: ["user": 3])
    var replies: [JSONValue: JSONValue] = [:]
    var order: [JSONValue] = []
    for _ in 0..<3 {
      guard let line = connection.readLine(), let id = line["id"] else { break }
      replies[id] = line
      order.append(id)
    }
    XCTAssertEqual(order.last, "long", "the short requests overtake the long one on the second worker")
    XCTAssertEqual(replies["bad"]?["error"]?["data"]?["field"], "user")
    XCTAssertEqual(replies["short"]?["result"]?["ms"], 10)
  }

  func testCancelOfAQueuedIndexRequestAnswersCancelled() throws {
    var limits = ServerLimits()
    limits.indexThreads = 1
    let (server, endpoint) = try makeServer(limits: limits)
    defer { server.shutdown(deadline: .milliseconds(200)) }
    let connection = try RawConnection(endpoint)
    connection.request("busy", id: 1, params: ["ms": 300])
    connection.request("busy", id: 2, params: ["ms": 300])
    connection.request("cancel", id: 3, params: ["id": 2])
    XCTAssertEqual(connection.readLine()?["error"]?["code"], -32800)
    XCTAssertEqual(connection.readLine()?["result"], ["cancelled": true])
    XCTAssertEqual(connection.readLine()?["id"], 1)
    connection.request("ping", id: 4)
    XCTAssertEqual(connection.readLine()?["id"], 4, "the cancelled request produced no second reply")
  }
}

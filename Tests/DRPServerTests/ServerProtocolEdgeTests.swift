import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPTestSupport
import Foundation
import Glibc
import XCTest

/// Protocol edges: `auth` accepted once, wrong tokens slowed down (per connection and
/// server-wide) and the connection closed after a few, and the connection-limit error followed
/// by a normal end of stream instead of a reset.
final class ServerProtocolEdgeTests: XCTestCase {
  func testAuthIsAcceptedOncePerConnection() throws {
    let fixture = try ServerFixture(token: "s3cret")
    let tcp = try RawConnection(fixture.tcp)
    XCTAssertEqual(tcp.call("auth", ["token": "s3cret"], id: 1)?["result"], ["authenticated": true])
    for (id, token) in [(2, "s3cret"), (3, "wrong")] {
      let again = tcp.call("auth", ["token": .string(token)], id: .int(Int64(id)))
      XCTAssertEqual(again?["error"]?["code"], -32600, "\(String(describing: again))")
      XCTAssertEqual(again?["error"]?["message"], "invalid request: auth was already accepted on this connection")
    }
    XCTAssertEqual(tcp.call("ping", id: 4)?["result"], ["pong": true], "still authenticated and open")
    // A Unix connection needs no token: its first `auth` succeeds trivially, a second fails alike.
    let unix = try RawConnection(fixture.unix)
    XCTAssertEqual(unix.call("auth", ["token": "anything"], id: 1)?["result"], ["authenticated": true])
    XCTAssertEqual(unix.call("auth", ["token": "anything"], id: 2)?["error"]?["code"], -32600)
  }

  /// Each wrong token is answered after the delay (500 ms), the connection reads nothing
  /// meanwhile (pipelined guesses wait their turn) and is closed after the third failure; a
  /// right token within the budget still works.
  func testWrongTokensAreDelayedAndTheConnectionClosedAfterThree() throws {
    let fixture = try ServerFixture(token: "s3cret")
    let connection = try RawConnection(fixture.tcp)
    var start = ContinuousClock.now
    XCTAssertEqual(connection.call("auth", ["token": "guess"], id: 1)?["error"]?["code"], -32004)
    XCTAssertGreaterThanOrEqual(ContinuousClock.now - start, .milliseconds(450), "a failed auth is answered late")
    XCTAssertEqual(connection.call("auth", ["token": "s3cret"], id: 2)?["result"], ["authenticated": true])

    let pipelined = try RawConnection(fixture.tcp)
    start = ContinuousClock.now
    for id in 1...3 { pipelined.request("auth", id: .int(Int64(id)), params: ["token": .string("guess\(id)")]) }
    pipelined.request("ping", id: 4)
    var replies: [(JSONValue?, Duration)] = []
    for _ in 1...3 { replies.append((pipelined.readLine()?["id"], ContinuousClock.now - start)) }
    XCTAssertEqual(replies.map(\.0), [1, 2, 3])
    XCTAssertGreaterThanOrEqual(replies[2].1, .milliseconds(1350), "one failure answered at a time, each delayed")
    XCTAssertTrue(pipelined.waitForClose(), "closed after the third failure; the ping is never answered")
  }

  /// More connections do not buy more guesses: 8 connections with 3 wrong tokens each get their
  /// 24 answers at most 20 a second (failures are paced 50 ms apart server-wide).
  func testGuessRateIsBoundedServerWide() throws {
    let fixture = try ServerFixture(token: "s3cret")
    let connections = try (0..<8).map { _ in try RawConnection(fixture.tcp) }
    let start = ContinuousClock.now
    for connection in connections {
      for id in 1...3 { connection.request("auth", id: .int(Int64(id)), params: ["token": "guess"]) }
    }
    var answered = 0
    for connection in connections {
      for _ in 1...3 where connection.readLine(timeout: .seconds(10))?["error"]?["code"] == -32004 { answered += 1 }
    }
    let elapsed = ContinuousClock.now - start
    XCTAssertEqual(answered, 24)
    XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(500 + 23 * 50 - 50), "24 failures paced 50 ms apart")
    XCTAssertTrue(connections.allSatisfy { $0.waitForClose(timeout: .seconds(2)) })
  }

  /// Reads until the peer ends the stream; returns the bytes and the errno that ended it (0:
  /// a normal end of stream).
  private func readToEnd(_ fd: Int32, timeout: Duration = .seconds(5)) -> ([UInt8], Int32) {
    var received: [UInt8] = []
    let deadline = ContinuousClock.now + timeout
    var buffer = [UInt8](repeating: 0, count: 4096)
    while ContinuousClock.now < deadline {
      var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&descriptor, 1, 50) > 0 else { continue }
      let count = recv(fd, &buffer, buffer.count, 0)
      if count > 0 {
        received += buffer[0..<count]
      } else {
        return (received, count == 0 ? 0 : errno)
      }
    }
    return (received, ETIMEDOUT)
  }

  /// At the connection limit the -32003 line arrives, then a normal end of stream (no reset),
  /// even when the refused client had already sent a request.
  func testConnectionLimitErrorIsFollowedByAnOrderlyClose() throws {
    var limits = ServerLimits()
    limits.maxConnections = 1
    let fixture = try ServerFixture(limits: limits)
    let first = try RawConnection(fixture.tcp)
    XCTAssertEqual(first.call("ping", id: 1)?["result"], ["pong": true])
    for round in 0..<5 {
      let refused = try RawConnection(round.isMultiple(of: 2) ? fixture.tcp : fixture.unix)
      refused.request("ping", id: 2)
      usleep(100_000)
      refused.request("ping", id: 3)
      let (bytes, ended) = readToEnd(refused.fd)
      let line = try JSONParser().parse(Array(bytes.prefix { $0 != 0x0A }))
      XCTAssertEqual(line["error"]?["code"], -32003, "round \(round)")
      XCTAssertEqual(bytes.filter { $0 == 0x0A }.count, 1, "one line only")
      XCTAssertEqual(ended, 0, "round \(round): the stream ended with errno \(ended) instead of a normal close")
    }
    XCTAssertEqual(first.call("ping", id: 4)?["result"], ["pong": true])
  }
}

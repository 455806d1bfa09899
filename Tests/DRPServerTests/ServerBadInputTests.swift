import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import Foundation
import Glibc
import XCTest

final class ServerBadInputTests: XCTestCase {
  /// Every bad line gets exactly one error reply with the expected code, on the same connection.
  func testBadLinesGetErrorRepliesAndTheConnectionSurvives() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.tcp)
    let cases: [([UInt8], Int, JSONValue)] = [
      (Array("garbage\u{7}bytes".utf8), -32700, nil),
      ([0x7B, 0xFF, 0xFE, 0x7D], -32700, nil),
      (
        Array(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"s":""#.utf8) + [0xC0, 0xAF] + Array(#""}}"#.utf8),
        -32700, nil
      ),
      (Array(String(repeating: "[", count: 10_000).utf8), -32700, nil),
      (Array(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"x":1e999}}"#.utf8), -32700, nil),
      (Array(#"{"jsonrpc":"2.0","id":2,"method":"needs","params":["u"]}"#.utf8), -32602, 2),
      (Array(#"{"jsonrpc":"2.0","id":2,"method":"echo","params":"u"}"#.utf8), -32602, 2),
      (Array(#"{"jsonrpc":"2.0","id":{"a":1},"method":"echo"}"#.utf8), -32600, nil),
      (Array(#"{"jsonrpc":"2.0","id":3,"method":42}"#.utf8), -32600, 3),
      (Array(#"{"id":4,"method":"ping"}"#.utf8), -32600, 4),
      (Array(#"[]"#.utf8), -32600, nil),
      (Array(#"{"jsonrpc":"2.0","id":5,"method":"echo"} trailing"#.utf8), -32700, nil),
    ]
    for (line, code, id) in cases {
      connection.write(line + [0x0A])
      let reply = connection.readLine()
      XCTAssertEqual(reply?["error"]?["code"]?.int, code, "\(String(decoding: line.prefix(60), as: UTF8.self))")
      XCTAssertEqual(reply?["id"], id)
    }
    connection.write("\n\r\n\n")
    connection.request("ping", id: "after")
    XCTAssertEqual(connection.readLine()?["id"], "after", "empty lines produce no reply")
  }

  /// Randomly mutated request lines (1-3 bytes changed, so some contain a newline, some stay valid
  /// requests, some become notifications): the server frames them into lines as `LineFramer`
  /// does and answers every line exactly once — a -32700 when it is not JSON, an error or result
  /// with the request's id when it is an object (nothing for a notification) — with well-formed
  /// replies only; and after each the connection still answers `ping`.
  func testMutatedRequestsGetOneReplyPerLineAndPingStillAnswers() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.tcp)
    let parser = JSONParser()
    var generator = SplitMix64(seed: 7)
    let valid = Array(#"{"jsonrpc":"2.0","id":12,"method":"echo","params":{"user":"u1","k":10}}"#.utf8)
    var outcomes: [String: Int] = [:]
    for round in 0..<3000 {
      var bytes = valid
      for _ in 0..<(1 + generator.next() % 3) {
        bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
      }
      // What each line the server will see must get: nil = no reply (a notification), else the
      // id of its one reply (null when the line is not JSON or its id is unusable).
      var framer = LineFramer(maxLineBytes: ServerLimits().maxLineBytes)
      (bytes + [0x0A]).withUnsafeBytes { framer.append($0) }
      var expected: [JSONValue?] = []
      while case .line(let line)? = framer.next() {
        guard let json = try? parser.parse(line) else {
          expected.append(.null)
          outcomes["not JSON", default: 0] += 1
          continue
        }
        if case .array = json { return XCTFail("round \(round): a mutation made a batch; pick another seed") }
        if let request = try? RPCRequest(json: json) {
          expected.append(request.id.map(\.json))
          outcomes[request.id == nil ? "notification" : "request", default: 0] += 1
        } else {
          expected.append(RPCRequest.salvageID(from: json)?.json ?? .null)
          outcomes["invalid request", default: 0] += 1
        }
      }
      connection.write(bytes + [0x0A])
      let ping = JSONValue.string("ping-\(round)")
      connection.request("ping", id: ping)
      var replies: [JSONValue] = []
      while true {
        guard let reply = connection.readLine() else {
          return XCTFail("round \(round): no (parsable) reply to \(bytes) or the ping after it")
        }
        if reply["id"] == ping { break }
        replies.append(reply)
      }
      let label = "round \(round): \(String(decoding: bytes, as: UTF8.self))"
      XCTAssertEqual(replies.map { $0["id"] }, expected.compactMap { $0 }, label)
      for reply in replies {
        XCTAssertEqual(reply["jsonrpc"], "2.0", label)
        XCTAssertTrue(reply["result"] != nil || reply["error"]?["code"]?.int != nil, "\(label): \(reply)")
      }
    }
    // The seed reaches every kind of line.
    XCTAssertEqual(Set(outcomes.keys), ["not JSON", "request", "notification", "invalid request"], "\(outcomes)")
  }

  func testTenMebibyteLineIsRejectedAndTheRestOfTheLineDiscarded() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.unix)
    let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
    let writer = Thread {
      connection.write(Array(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"s":""#.utf8))
      for _ in 0..<10 { connection.write(chunk) }
      connection.write(Array(#""}}"#.utf8) + [0x0A])
      connection.request("ping", id: 2)
    }
    writer.start()
    let reply = connection.readLine(timeout: .seconds(20))
    XCTAssertEqual(reply?["error"]?["code"], -32001)
    XCTAssertEqual(reply?["id"], JSONValue.null)
    let ping = connection.readLine(timeout: .seconds(20))
    XCTAssertEqual(ping?["id"], 2, "the oversized line is discarded up to its newline; the next request works")
  }

  func testChurnAndHalfLinesLeakNoDescriptorsAndPingStillAnswers() throws {
    let fixture = try ServerFixture()
    // Warm up (lazy runtime descriptors) before counting.
    let warm = try RawConnection(fixture.tcp)
    warm.request("ping", id: 0)
    XCTAssertNotNil(warm.readLine())
    warm.request("slow", id: 0, params: ["ms": 1])
    XCTAssertNotNil(warm.readLine())
    let before = ServerFixture.openDescriptors()
    let targetsBefore = ServerFixture.descriptorTargets()

    for round in 0..<10 {
      var batch: [RawConnection] = []
      for index in 0..<100 {
        let connection = try RawConnection(index.isMultiple(of: 2) ? fixture.tcp : fixture.unix)
        if index.isMultiple(of: 3) { connection.write(#"{"jsonrpc":"2.0","id":1,"meth"#) }
        if index.isMultiple(of: 5) { connection.request("slow", id: 1, params: ["ms": 10_000]) }
        batch.append(connection)
      }
      XCTAssertEqual(batch.count, 100, "round \(round)")
      batch.removeAll()
    }
    warm.request("ping", id: 1)
    XCTAssertEqual(warm.readLine()?["result"], ["pong": true])

    let deadline = ContinuousClock.now + .seconds(10)
    var stats = fixture.server.stats()
    while (stats.connections > 1 || stats.backgroundRunning > 0) && ContinuousClock.now < deadline {
      usleep(20_000)
      stats = fixture.server.stats()
    }
    XCTAssertEqual(stats.connections, 1, "dropped connections are closed")
    XCTAssertEqual(stats.requestsInFlight, 0, "their requests are cancelled")
    XCTAssertEqual(stats.backgroundRunning, 0)
    XCTAssertGreaterThanOrEqual(stats.connectionsAccepted, 1001)
    while ServerFixture.openDescriptors() > before && ContinuousClock.now < deadline { usleep(20_000) }
    XCTAssertEqual(
      ServerFixture.openDescriptors(), before,
      "no file descriptor leaks; new: \(ServerFixture.descriptorTargets().subtracting(targetsBefore).sorted())")
  }

  func testConnectionLimitAnswersWithAnErrorLineAndCloses() throws {
    var limits = ServerLimits()
    limits.maxConnections = 2
    let fixture = try ServerFixture(limits: limits)
    let first = try RawConnection(fixture.tcp)
    let second = try RawConnection(fixture.unix)
    first.request("ping", id: 1)
    second.request("ping", id: 1)
    XCTAssertNotNil(first.readLine())
    XCTAssertNotNil(second.readLine())
    let third = try RawConnection(fixture.tcp)
    XCTAssertEqual(third.readLine()?["error"]?["code"], -32003)
    XCTAssertTrue(third.waitForClose())
    first.request("ping", id: 2)
    XCTAssertEqual(first.readLine()?["id"], 2)
  }

  /// A client that writes requests and never reads: the server stops reading it once the reply
  /// backlog reaches the cap, so its buffered bytes stay bounded; other clients are unaffected.
  func testBackPressureBoundsBufferedRepliesOfANonReadingClient() throws {
    var limits = ServerLimits()
    limits.maxOutputBufferBytes = 64 * 1024
    let fixture = try ServerFixture(limits: limits)
    // The Unix socket: its kernel buffer (net.core.wmem_default, about 200 kB) fills after a few
    // dozen replies, however slowly the server runs (TCP autotunes up to MBs: too slow under TSan).
    let greedy = try RawConnection(fixture.unix)
    _ = fcntl(greedy.fd, F_SETFL, fcntl(greedy.fd, F_GETFL) | O_NONBLOCK)
    // Replies of 16 kB. The server may overshoot the cap by the one reply that crossed it; each
    // reply is shorter than its request.
    let pad = String(repeating: "0123456789", count: 1600)
    let request = Array(#"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"pad":"\#(pad)"}}"#.utf8) + [0x0A]
    let burst = Array(repeating: request, count: 20).flatMap { $0 }
    // Push until the server has had to buffer replies itself (the kernel's socket buffers, a few
    // MB, fill first: how long that takes depends on the machine's speed, e.g. under TSan) and
    // the client has sent far more than the cap, then 2 s more; at most 20 s.
    var sent = 0
    var stats = fixture.server.stats()
    var nextLook = ContinuousClock.now
    var end = ContinuousClock.now + .seconds(20)
    var pressing = false
    while ContinuousClock.now < end && sent < 200 * 1024 * 1024 {
      let written = burst.withUnsafeBytes { send(greedy.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      if written > 0 { sent += written } else { usleep(5_000) }
      if !pressing && ContinuousClock.now >= nextLook {
        stats = fixture.server.stats()
        if stats.peakConnectionOutputBytes > 0 && sent > 4 * limits.maxOutputBufferBytes {
          pressing = true
          end = min(end, ContinuousClock.now + .seconds(2))
        }
        nextLook = ContinuousClock.now + .milliseconds(200)
      }
    }
    usleep(200_000)  // let the server process what is in flight before the final reading
    stats = fixture.server.stats()
    print("back-pressure: client pushed \(sent) bytes; peak buffered replies \(stats.peakConnectionOutputBytes) bytes")
    XCTAssertGreaterThan(sent, 4 * limits.maxOutputBufferBytes, "the client must have sent far more than the cap")
    XCTAssertGreaterThan(stats.peakConnectionOutputBytes, 0)
    XCTAssertLessThanOrEqual(stats.peakConnectionOutputBytes, limits.maxOutputBufferBytes + request.count)
    let other = try RawConnection(fixture.tcp)
    other.request("ping", id: 1)
    XCTAssertEqual(other.readLine(timeout: .seconds(2))?["result"], ["pong": true])
  }

  func testIdleConnectionsAreClosedWithAnErrorLine() throws {
    var limits = ServerLimits()
    limits.idleTimeout = .milliseconds(300)
    let fixture = try ServerFixture(limits: limits)
    let connection = try RawConnection(fixture.tcp)
    let busy = try RawConnection(fixture.unix)
    busy.request("slow", id: 1, params: ["ms": 800])
    let reply = connection.readLine(timeout: .seconds(3))
    XCTAssertEqual(reply?["error"]?["code"], -32006)
    XCTAssertTrue(connection.waitForClose())
    XCTAssertEqual(
      busy.readLine(timeout: .seconds(3))?["result"], ["slept": 800], "a connection with work in flight is not idle")
  }
}

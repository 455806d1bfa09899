import DRPTestSupport
import Foundation
import Synchronization
import XCTest

@testable import DRPOpenAI

#if canImport(Glibc)
  import Glibc
#endif

/// HTTP/1.1 keep-alive in the socket transport: connections are reused, a connection the server
/// closed meanwhile costs no error, and one the server asks to close is not kept.
final class KeepAliveTests: XCTestCase {
  func testSequentialRequestsShareOneConnection() async throws {
    let server = try KeepAliveServer()
    defer { server.stop() }
    let client = server.client()
    for index in 0..<5 {
      let answer = try await client.chat(FakeReplies.hello)
      XCTAssertEqual(answer.content, "answer 1.\(index + 1)")
    }
    XCTAssertEqual(server.connections, 1, "five requests in turn go over one connection")
    XCTAssertEqual(IdleConnections.shared.count(server.address), 1)
  }

  func testConcurrentRequestsOpenOneConnectionEachAndKeepThem() async throws {
    let server = try KeepAliveServer(delay: 0.2)
    defer { server.stop() }
    let client = server.client(concurrency: 8)
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<8 { group.addTask { _ = try await client.chat(FakeReplies.hello) } }
      try await group.waitForAll()
    }
    XCTAssertEqual(server.connections, 8)
    XCTAssertEqual(IdleConnections.shared.count(server.address), 8)
    _ = try await client.chat(FakeReplies.hello)
    XCTAssertEqual(server.connections, 8, "a ninth request reuses one of them")
  }

  func testAConnectionTheServerDroppedIsReplacedWithoutAnError() async throws {
    // The server reads the second request on the kept connection, then closes it unanswered (as a
    // server does whose idle timeout struck at the same moment): the request goes again, once,
    // over a new connection.
    let server = try KeepAliveServer(answers: 1)
    defer { server.stop() }
    let client = server.client(maxRetries: 0)
    _ = try await client.chat(FakeReplies.hello)
    let second = try await client.chat(FakeReplies.hello)
    XCTAssertEqual(second.content, "answer 2.1")
    XCTAssertEqual(server.connections, 2)
    XCTAssertEqual(server.requests, 3, "the dropped request was sent once more")
  }

  func testAConnectionClosedWhileIdleIsNotUsed() async throws {
    let server = try KeepAliveServer(answers: 1, closeAfterAnswer: true)
    defer { server.stop() }
    let client = server.client(maxRetries: 0)
    _ = try await client.chat(FakeReplies.hello)
    usleep(100_000)  // the server's FIN has arrived: the kept connection reads as closed
    _ = try await client.chat(FakeReplies.hello)
    XCTAssertEqual(server.connections, 2)
    XCTAssertEqual(server.requests, 2, "the closed connection was noticed before sending on it")
  }

  func testAResponseWithConnectionCloseIsNotKept() async throws {
    let server = try KeepAliveServer(closeHeader: true)
    defer { server.stop() }
    let client = server.client()
    _ = try await client.chat(FakeReplies.hello)
    _ = try await client.chat(FakeReplies.hello)
    XCTAssertEqual(server.connections, 2)
    XCTAssertEqual(IdleConnections.shared.count(server.address), 0)
  }

  func testAFailureOnANewConnectionIsNotSentAgain() async throws {
    let server = try KeepAliveServer(answers: 0)
    defer { server.stop() }
    do {
      _ = try await server.client(maxRetries: 0).chat(FakeReplies.hello)
      XCTFail("a connection closed without an answer must fail")
    } catch {
      guard case .connection = error as? OpenAIError else { return XCTFail("\(error)") }
    }
    XCTAssertEqual(server.requests, 1)
  }

  func testConnectionsKeptTooLongAreClosedInsteadOfUsed() throws {
    let idle = IdleConnections(maxIdle: 0.05, maxPerServer: 2)
    let pair = try Self.socketPair()
    idle.put(pair.0, "a:1")
    usleep(100_000)
    XCTAssertNil(idle.take("a:1"), "older than maxIdle")
    XCTAssertEqual(Self.peerReadsEOF(pair.1), true, "the expired connection was closed")
    close(pair.1)

    let pairs = try (0..<3).map { _ in try Self.socketPair() }
    for pair in pairs { idle.put(pair.0, "b:2") }
    XCTAssertEqual(idle.count("b:2"), 2, "at most maxPerServer are kept")
    XCTAssertEqual(Self.peerReadsEOF(pairs[0].1), true, "the oldest was closed")
    XCTAssertEqual(idle.take("b:2"), pairs[2].0, "the newest is taken first")
    close(pairs[2].0)
    idle.closeAll()
    for pair in pairs { close(pair.1) }
  }

  func testIdleConnectionsAreClosedWithoutFurtherRequests() throws {
    let idle = IdleConnections(maxIdle: 0.1, maxPerServer: 4)
    let pair = try Self.socketPair()
    idle.put(pair.0, "c:3")
    XCTAssertTrue(Self.peerReadsEOF(pair.1, within: 2000), "closed by the sweep, no take or put needed")
    XCTAssertEqual(idle.count("c:3"), 0)
    close(pair.1)
  }

  private static func socketPair() throws -> (Int32, Int32) {
    var fds: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { throw POSIXError(.EIO) }
    return (fds[0], fds[1])
  }

  private static func peerReadsEOF(_ fd: Int32, within milliseconds: Int32 = 1000) -> Bool {
    var byte: UInt8 = 0
    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&poller, 1, milliseconds) == 1 else { return false }
    return recv(fd, &byte, 1, 0) == 0
  }
}

/// A chat server on 127.0.0.1 that keeps connections open (HTTP/1.1 keep-alive) and counts them.
/// Each connection answers its first `answers` requests (nil: all) with "answer C.R" (connection
/// and request numbers from 1), then closes on the next request without answering; with
/// `closeAfterAnswer` it closes right after its last answer; with `closeHeader` every answer says
/// `Connection: close`. Every wait is bounded (`FakeHTTPServer.readRequest`: 5 s).
final class KeepAliveServer: @unchecked Sendable {  // the listener is only closed by stop()
  let address: String
  private let listener: Int32
  private let answers: Int?
  private let closeAfterAnswer: Bool
  private let closeHeader: Bool
  private let delay: Double
  private let counts = Mutex<(connections: Int, requests: Int)>((0, 0))

  init(answers: Int? = nil, closeAfterAnswer: Bool = false, closeHeader: Bool = false, delay: Double = 0) throws {
    (self.answers, self.closeAfterAnswer, self.closeHeader, self.delay) = (
      answers, closeAfterAnswer, closeHeader, delay
    )
    let (fd, port) = try LoopbackListener.open()
    listener = fd
    address = "127.0.0.1:\(port)"
    Thread { [self] in acceptLoop() }.start()
  }

  var connections: Int { counts.withLock { $0.connections } }
  var requests: Int { counts.withLock { $0.requests } }

  func client(maxRetries: Int = 2, concurrency: Int = 4) -> OpenAIClient {
    OpenAIClient(
      endpoint: OpenAIEndpoint(
        baseURL: "http://\(address)/v1", model: "fake-model", timeout: 5, maxRetries: maxRetries,
        concurrency: concurrency, retryBaseDelay: 0.01))
  }

  func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

  private func acceptLoop() {
    while true {
      let client = accept(listener, nil, nil)
      guard client >= 0 else {
        close(listener)
        return
      }
      let number = counts.withLock {
        $0.connections += 1
        return $0.connections
      }
      Thread { [self] in serve(client, number: number) }.start()
    }
  }

  private func serve(_ client: Int32, number: Int) {
    defer { close(client) }
    for answered in 0..<100 {
      guard FakeHTTPServer.readRequest(client) != nil else { return }
      counts.withLock { $0.requests += 1 }
      if let answers, answered >= answers { return }
      if delay > 0 { usleep(UInt32(delay * 1e6)) }
      let body = FakeReplies.chat("answer \(number).\(answered + 1)")
      let head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        + (closeHeader ? "Connection: close\r\n" : "") + "\r\n"
      let bytes = Array((head + body).utf8)
      guard send(client, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { return }
      if closeHeader || (closeAfterAnswer && answers == answered + 1) { return }
    }
  }
}

import DRPTestSupport
import Foundation
import XCTest

@testable import DRPOpenAI

/// The socket transport against raw responses from the fake server: framing over the wire,
/// incremental streaming, truncated and oversized responses, name resolution.
final class SocketTransportTests: XCTestCase {
  func testResponseSplitAcrossManySmallWrites() async throws {
    let body = FakeReplies.chat("Assembled from many small pieces.")
    let response =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
    let pieces = stride(from: 0, to: response.utf8.count, by: 7).map {
      String(decoding: Array(response.utf8)[$0..<min($0 + 7, response.utf8.count)], as: UTF8.self)
    }
    let server = try FakeHTTPServer { _, _ in .raw(pieces: pieces, delay: 0.001) }
    let answer = try await FakeReplies.client(server).chat(FakeReplies.hello)
    XCTAssertGreaterThan(pieces.count, 40)
    XCTAssertEqual(answer.content, "Assembled from many small pieces.")
  }

  func testChunkedResponseWithLowercaseRetryAfter() async throws {
    let body = FakeReplies.chat("chunked ok")
    let half = body.utf8.count / 2
    let first = String(decoding: Array(body.utf8)[..<half], as: UTF8.self)
    let second = String(decoding: Array(body.utf8)[half...], as: UTF8.self)
    let server = try FakeHTTPServer { _, number in
      number == 0
        ? .raw(pieces: ["HTTP/1.1 503 Busy\r\nretry-after: 1\r\ncontent-length: 2\r\n\r\n{}"])
        : .raw(pieces: [
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
          String(first.utf8.count, radix: 16) + "\r\n" + first + "\r\n",
          String(second.utf8.count, radix: 16) + "\r\n" + second + "\r\n0\r\n\r\n",
        ])
    }
    let start = Date()
    let answer = try await FakeReplies.client(server).chat(FakeReplies.hello)
    XCTAssertEqual(answer.content, "chunked ok")
    XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.95, "retry-after (lowercase) must be honoured")
  }

  func testChunkedStreamDeliversEventsBeforeTheResponseEnds() async throws {
    let event = FakeReplies.delta("First")
    let server = try FakeHTTPServer { _, _ in
      .raw(
        pieces: [
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n",
          String(event.utf8.count, radix: 16) + "\r\n" + event + "\r\n",
        ], hold: true)
    }
    var received = ""
    for try await piece in FakeReplies.client(server, timeout: 20).chatStream(FakeReplies.hello) {
      if case .content(let text) = piece { received += text }
      if received == "First" { break }  // the response never ends: this event came incrementally
    }
    XCTAssertEqual(received, "First")
  }

  func testBodyEndingEarlyIsAClearConnectionError() async throws {
    let server = try FakeHTTPServer { _, _ in
      .raw(pieces: ["HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"choices\": ["])
    }
    do {
      _ = try await FakeReplies.client(server, maxRetries: 0).chat(FakeReplies.hello)
      XCTFail("a truncated body must fail")
    } catch {
      XCTAssertEqual(
        error as? OpenAIError,
        .connection(
          reason: "the connection closed before the response was complete (487 bytes of the body missing)",
          url: server.baseURL + "/chat/completions"))
    }
  }

  func testOversizedHeaderBlockIsAMalformedResponse() async throws {
    let filler = "X-Filler: " + String(repeating: "z", count: 4000) + "\r\n"
    let server = try FakeHTTPServer { _, _ in
      .raw(pieces: ["HTTP/1.1 200 OK\r\n"] + Array(repeating: filler, count: 20), delay: 0)
    }
    do {
      _ = try await FakeReplies.client(server, maxRetries: 0).chat(FakeReplies.hello)
      XCTFail("an oversized header block must fail")
    } catch {
      XCTAssertEqual(
        error as? OpenAIError,
        .malformedResponse(
          reason: "the response headers exceed 65536 bytes", url: server.baseURL + "/chat/completions"))
    }
  }

  func testLocalhostIsResolved() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 200, body: FakeReplies.chat("via localhost")) }
    let client = OpenAIClient(
      endpoint: OpenAIEndpoint(baseURL: "http://localhost:\(server.port)/v1", model: "m", timeout: 5))
    let answer = try await client.chat(FakeReplies.hello)
    XCTAssertEqual(answer.content, "via localhost")
    XCTAssertEqual(server.requests.first?.headers["host"], "localhost:\(server.port)")
  }

  func testUnknownHostIsAConnectionError() async throws {
    let client = OpenAIClient(
      endpoint: OpenAIEndpoint(baseURL: "http://no-such-host.invalid:9/v1", model: "m", timeout: 5, maxRetries: 0))
    do {
      _ = try await client.chat(FakeReplies.hello)
      XCTFail("an unknown host must fail")
    } catch {
      XCTAssertEqual(
        error as? OpenAIError,
        .connection(reason: "unknown host", url: "http://no-such-host.invalid:9/v1/chat/completions"))
    }
  }
}

import DRPTestSupport
import Foundation
import XCTest

@testable import DRPOpenAI

/// Bounded replies from a hostile or broken server: a stream line without a newline, a stream
/// that never ends, replies far larger than `max_tokens` allows, and prompts too large to send.
/// Errors are matched by their message, which names the setting that raises the limit.
final class ReplyLimitTests: XCTestCase {
  /// Runs a stream to its end; returns the content and the error it ended with.
  private func drain(_ stream: AsyncThrowingStream<ChatStreamEvent, any Error>) async -> (String, (any Error)?) {
    var content = ""
    do {
      for try await event in stream {
        if case .content(let piece) = event { content += piece }
      }
      return (content, nil)
    } catch {
      return (content, error)
    }
  }

  /// 3 MB of one `data:` line and no newline: refused once the line passes 1 MiB, naming the
  /// setting (it used to be rescanned on every chunk and end as "no [DONE]").
  func testStreamLineWithoutNewlineFailsAtTheLineLimit() async throws {
    let piece = String(repeating: "x", count: 64 * 1024)
    let server = try FakeHTTPServer { _, _ in
      .stream(pieces: ["data: {\"choices\":[{\"delta\":{\"content\":\""] + Array(repeating: piece, count: 48), delay: 0)
    }
    let (content, error) = await drain(FakeReplies.client(server, maxRetries: 0).chatStream(FakeReplies.hello))
    XCTAssertEqual(content, "")
    let message = "\(try XCTUnwrap(error))"
    XCTAssertTrue(message.contains("a line of the event stream"), message)
    XCTAssertTrue(message.contains("1048576 bytes") && message.contains("max_line_bytes"), message)
  }

  /// `timeout` bounds the whole stream, not only the silence between chunks: events every 100 ms
  /// for 4 s with a 1 s timeout end with a timeout after about 1 s.
  func testStreamIsBoundedByTheTimeoutAsAWhole() async throws {
    let pieces =
      (0..<40).map { FakeReplies.delta("w\($0) ") } + [FakeReplies.delta("end", finish: "stop"), FakeReplies.done]
    let server = try FakeHTTPServer { _, _ in .stream(pieces: pieces, delay: 0.1) }
    let started = ContinuousClock.now
    let (content, error) = await drain(
      FakeReplies.client(server, timeout: 1, maxRetries: 0).chatStream(FakeReplies.hello))
    let elapsed = ContinuousClock.now - started
    let message = "\(try XCTUnwrap(error, "the stream must not outlive its timeout"))"
    XCTAssertTrue(message.contains("within 1 s (timeout)"), message)
    XCTAssertFalse(content.isEmpty, "events before the deadline were delivered")
    XCTAssertLessThan(elapsed, .seconds(3), "the deadline is 1 s after the attempt started")
  }

  /// A streamed answer of 100 KB for `max_tokens` 16 passes the default limit (16 * 16 + 64 KiB
  /// bytes) and is refused; the deltas before the limit were already delivered.
  func testStreamedReplyOverTheLimitFails() async throws {
    let chunk = String(repeating: "y", count: 1000)
    let pieces =
      Array(repeating: FakeReplies.delta(chunk), count: 100) + [
        FakeReplies.delta("", finish: "stop"), FakeReplies.done,
      ]
    let server = try FakeHTTPServer { _, _ in .stream(pieces: pieces, delay: 0) }
    let (content, error) = await drain(FakeReplies.client(server, maxRetries: 0).chatStream(FakeReplies.hello))
    let message = "\(try XCTUnwrap(error))"
    XCTAssertTrue(message.contains("the reply") && message.contains("exceeds 65792 bytes"), message)
    XCTAssertTrue(message.contains("max_reply_bytes"), message)
    XCTAssertLessThanOrEqual(content.utf8.count, 65792)
  }

  /// A whole (non-streamed) reply of 300 KB for `max_tokens` 16 is refused without a retry.
  func testWholeReplyOverTheLimitFailsWithoutRetry() async throws {
    let body = FakeReplies.chat(String(repeating: "z", count: 300_000))
    let server = try FakeHTTPServer { _, _ in .respond(status: 200, body: body) }
    do {
      _ = try await FakeReplies.client(server, maxRetries: 2).chat(FakeReplies.hello)
      XCTFail("a 300 KB reply to max_tokens 16 must be refused")
    } catch {
      XCTAssertTrue("\(error)".contains("exceeds 65792 bytes"), "\(error)")
      XCTAssertTrue("\(error)".contains("max_reply_bytes"), "\(error)")
    }
    XCTAssertEqual(server.requests.count, 1, "a reply over the limit is not retried")
    // The same reply is fine when it fits.
    let small = try FakeHTTPServer { _, _ in .respond(status: 200, body: FakeReplies.chat("short")) }
    let reply = try await FakeReplies.client(small).chat(FakeReplies.hello)
    XCTAssertEqual(reply.content, "short")
  }

  /// A prompt over `max_prompt_bytes` (default 1 MiB) is refused before anything is sent.
  func testOversizedPromptIsNotSent() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 200, body: FakeReplies.chat("never")) }
    let request = ChatRequest(
      messages: [.user(String(repeating: "p", count: 1_100_000))], maxTokens: 16, temperature: 0)
    do {
      _ = try await FakeReplies.client(server).chat(request)
      XCTFail("a 1.1 MB prompt must be refused")
    } catch {
      XCTAssertTrue("\(error)".contains("max_prompt_bytes"), "\(error)")
    }
    let (_, streamError) = await drain(FakeReplies.client(server).chatStream(request))
    XCTAssertTrue("\(streamError.map { "\($0)" } ?? "no error")".contains("max_prompt_bytes"))
    XCTAssertEqual(server.requests.count, 0)
  }
}

import DRPTestSupport
import Foundation
import XCTest

@testable import DRPOpenAI

/// Streaming chat against the in-process fake server.
final class ChatStreamTests: XCTestCase {
  /// Everything a stream produced.
  private struct Collected {
    var content = ""
    var reasoning = ""
    var summary: ChatStreamSummary?
    var events = 0
    var error: OpenAIError?
  }

  func testThinkTagsSplitAcrossChunksGoToReasoning() async throws {
    let pieces = [
      FakeReplies.delta("<thi"), FakeReplies.delta("nk>The user is"), FakeReplies.delta(" terse.</th"),
      FakeReplies.delta("ink>\n\nHel"), FakeReplies.delta("lo <b>"), FakeReplies.delta("!", finish: "stop"),
      FakeReplies.usageEvent, FakeReplies.done,
    ]
    let server = try FakeHTTPServer { _, _ in .stream(pieces: pieces) }
    let client = FakeReplies.client(server)
    let result = await Self.collect(client.chatStream(FakeReplies.hello))
    XCTAssertNil(result.error)
    XCTAssertEqual(result.reasoning, "The user is terse.")
    XCTAssertEqual(result.content, "\n\nHello <b>!")
    let summary = try XCTUnwrap(result.summary)
    XCTAssertEqual(summary.finishReason, "stop")
    XCTAssertEqual(summary.usage, TokenUsage(promptTokens: 3, completionTokens: 4, totalTokens: 7))
    XCTAssertEqual(summary.model, "fake-model")
    XCTAssertFalse(summary.truncatedReasoning)
    XCTAssertEqual(
      client.usage.snapshot, UsageMeter.Totals(calls: 1, promptTokens: 3, completionTokens: 4, failures: 0))
    let body = try XCTUnwrap(server.requests.first?.json)
    XCTAssertEqual(body["stream"] as? Bool, true)
    XCTAssertEqual((body["stream_options"] as? [String: Bool])?["include_usage"], true)
  }

  func testReasoningContentDeltasAndCRLFEvents() async throws {
    let crlf = { (event: String) in event.replacingOccurrences(of: "\n", with: "\r\n") }
    let pieces = [
      ": keep-alive comment\n\n", crlf(FakeReplies.delta(reasoning: "Think")),
      crlf(FakeReplies.delta(reasoning: "ing.")),
      crlf(FakeReplies.delta("Answer.", finish: "stop")), crlf(FakeReplies.done),
    ]
    let server = try FakeHTTPServer { _, _ in .stream(pieces: pieces) }
    let result = await Self.collect(FakeReplies.client(server).chatStream(FakeReplies.hello))
    XCTAssertNil(result.error)
    XCTAssertEqual(result.reasoning, "Thinking.")
    XCTAssertEqual(result.content, "Answer.")
    XCTAssertNil(result.summary?.usage)
  }

  func testStreamEndingWithoutDoneAfterFinishReasonSucceeds() async throws {
    let server = try FakeHTTPServer { _, _ in .stream(pieces: [FakeReplies.delta("Short.", finish: "length")]) }
    let result = await Self.collect(FakeReplies.client(server).chatStream(FakeReplies.hello))
    XCTAssertNil(result.error)
    XCTAssertEqual(result.content, "Short.")
    XCTAssertEqual(result.summary?.finishReason, "length")
  }

  func testStreamCutOffWithoutDoneIsAnError() async throws {
    let server = try FakeHTTPServer { _, _ in
      .stream(pieces: [FakeReplies.delta("Half an"), FakeReplies.delta(" answ")])
    }
    let client = FakeReplies.client(server)
    let result = await Self.collect(client.chatStream(FakeReplies.hello))
    XCTAssertEqual(result.content, "Half an answ")
    XCTAssertNil(result.summary)
    guard case .malformedResponse(let reason, _) = result.error else {
      return XCTFail("expected malformedResponse, got \(String(describing: result.error))")
    }
    XCTAssertTrue(reason.contains("[DONE]"), reason)
    XCTAssertEqual(server.requests.count, 1, "a stream that delivered output is not retried")
    XCTAssertEqual(client.usage.snapshot.failures, 1)
  }

  func testUnterminatedThinkBlockIsFlaggedTruncated() async throws {
    let pieces = [
      FakeReplies.delta("<think>Let me con"), FakeReplies.delta("sider", finish: "length"), FakeReplies.done,
    ]
    let server = try FakeHTTPServer { _, _ in .stream(pieces: pieces) }
    let result = await Self.collect(FakeReplies.client(server).chatStream(FakeReplies.hello))
    XCTAssertNil(result.error)
    XCTAssertEqual(result.reasoning, "Let me consider")
    XCTAssertEqual(result.content, "")
    XCTAssertEqual(result.summary?.truncatedReasoning, true)
  }

  func testGarbageEventAndServerErrorEvent() async throws {
    let garbage = try FakeHTTPServer { _, _ in .stream(pieces: ["data: {not json\n\n", FakeReplies.done]) }
    let first = await Self.collect(FakeReplies.client(garbage).chatStream(FakeReplies.hello))
    guard case .malformedResponse = first.error else {
      return XCTFail("expected malformedResponse, got \(String(describing: first.error))")
    }
    let failing = try FakeHTTPServer { _, _ in
      .stream(pieces: [FakeReplies.delta("Hi"), #"data: {"error":{"message":"context overflow"}}"# + "\n\n"])
    }
    let second = await Self.collect(FakeReplies.client(failing).chatStream(FakeReplies.hello))
    XCTAssertEqual(second.error, .streamError(message: "context overflow", url: failing.baseURL + "/chat/completions"))
  }

  func testHTTPErrorBeforeStreamIsRetriedThenStreams() async throws {
    let server = try FakeHTTPServer { _, number in
      number == 0
        ? .respond(status: 502, body: "bad gateway")
        : .stream(pieces: [FakeReplies.delta("Recovered.", finish: "stop"), FakeReplies.done])
    }
    let result = await Self.collect(FakeReplies.client(server).chatStream(FakeReplies.hello))
    XCTAssertNil(result.error)
    XCTAssertEqual(result.content, "Recovered.")
    XCTAssertEqual(server.requests.count, 2)
  }

  func testClientErrorOnStreamIsNotRetried() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 400, body: #"{"error":{"message":"bad role"}}"#) }
    let result = await Self.collect(FakeReplies.client(server).chatStream(FakeReplies.hello))
    XCTAssertEqual(result.error, .http(status: 400, message: "bad role", url: server.baseURL + "/chat/completions"))
    XCTAssertEqual(server.requests.count, 1)
    XCTAssertEqual(result.events, 0)
  }

  func testSilentStreamTimesOut() async throws {
    let server = try FakeHTTPServer { _, _ in .stream(pieces: [FakeReplies.delta("Then silence")], hold: true) }
    let start = Date()
    let result = await Self.collect(FakeReplies.client(server, timeout: 1, maxRetries: 0).chatStream(FakeReplies.hello))
    XCTAssertEqual(result.content, "Then silence")
    XCTAssertEqual(result.error, .timeout(seconds: 1, url: server.baseURL + "/chat/completions"))
    XCTAssertLessThan(Date().timeIntervalSince(start), 4)
  }

  func testStoppingIterationCancelsTheRequest() async throws {
    let server = try FakeHTTPServer { _, _ in
      .stream(pieces: [FakeReplies.delta("First"), FakeReplies.delta(" second")], hold: true)
    }
    let client = FakeReplies.client(server, timeout: 20)
    var received = ""
    for try await event in client.chatStream(FakeReplies.hello) {
      if case .content(let text) = event { received += text }
      if received == "First second" { break }
    }
    XCTAssertEqual(received, "First second")
    let deadline = Date().addingTimeInterval(3)
    while server.clientDisconnects == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
    XCTAssertEqual(server.clientDisconnects, 1, "the HTTP connection must close when the consumer stops")
  }

  func testCancellingTheConsumingTaskEndsTheStream() async throws {
    let server = try FakeHTTPServer { _, _ in .stream(pieces: [FakeReplies.delta("Only")], hold: true) }
    let client = FakeReplies.client(server, timeout: 20)
    let task = Task { await ChatStreamTests.collect(client.chatStream(FakeReplies.hello)) }
    let deadline = Date().addingTimeInterval(3)
    while server.requests.isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
    try await Task.sleep(nanoseconds: 200_000_000)
    let start = Date()
    task.cancel()
    let result = await task.value
    // A cancelled consumer's iteration simply ends (AsyncThrowingStream returns nil): no summary.
    XCTAssertNil(result.summary)
    XCTAssertEqual(result.content, "Only")
    XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    while server.clientDisconnects == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
    XCTAssertEqual(server.clientDisconnects, 1)
  }

  private static func collect(_ stream: AsyncThrowingStream<ChatStreamEvent, any Error>) async -> Collected {
    var result = Collected()
    do {
      for try await event in stream {
        result.events += 1
        switch event {
        case .content(let text): result.content += text
        case .reasoning(let text): result.reasoning += text
        case .finished(let summary):
          XCTAssertNil(result.summary, "finished must come once")
          result.summary = summary
        }
      }
    } catch {
      result.error = error as? OpenAIError
      XCTAssertNotNil(result.error, "streams throw OpenAIError, got \(error)")
    }
    return result
  }
}

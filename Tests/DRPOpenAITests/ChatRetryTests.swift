import DRPTestSupport
import Foundation
import XCTest

@testable import DRPOpenAI

/// Non-streaming chat against the in-process fake server: retries, errors, headers, limits.
final class ChatRetryTests: XCTestCase {
  func testServerErrorThenSuccessIsRetried() async throws {
    let server = try FakeHTTPServer { _, number in
      number == 0
        ? .respond(status: 500, body: #"{"error":{"message":"warming up"}}"#)
        : .respond(status: 200, body: FakeReplies.chat("Hi there."))
    }
    let client = FakeReplies.client(server)
    let response = try await client.chat(FakeReplies.hello)
    XCTAssertEqual(response.content, "Hi there.")
    XCTAssertEqual(response.finishReason, "stop")
    XCTAssertEqual(response.usage, TokenUsage(promptTokens: 7, completionTokens: 5, totalTokens: 12))
    XCTAssertEqual(response.model, "fake-model")
    XCTAssertEqual(server.requests.count, 2)
    XCTAssertEqual(
      client.usage.snapshot, UsageMeter.Totals(calls: 1, promptTokens: 7, completionTokens: 5, failures: 0))
  }

  func testTooManyRequestsHonoursRetryAfter() async throws {
    let server = try FakeHTTPServer { _, number in
      number == 0
        ? .respond(status: 429, headers: ["Retry-After": "1"], body: #"{"error":{"message":"slow down"}}"#)
        : .respond(status: 200, body: FakeReplies.chat("ok"))
    }
    let start = Date()
    let response = try await FakeReplies.client(server).chat(FakeReplies.hello)
    let elapsed = Date().timeIntervalSince(start)
    XCTAssertEqual(response.content, "ok")
    XCTAssertEqual(server.requests.count, 2)
    XCTAssertGreaterThanOrEqual(elapsed, 0.95, "Retry-After: 1 must delay the retry (base delay is 0.01 s)")
    XCTAssertLessThan(elapsed, 5)
  }

  func testPersistentServerErrorGivesUpAfterMaxRetries() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 503, body: #"{"error":{"message":"model not loaded"}}"#)
    }
    let client = FakeReplies.client(server, maxRetries: 2)
    let error = await chatError(client)
    let url = server.baseURL + "/chat/completions"
    XCTAssertEqual(
      error, .retriesExhausted(attempts: 3, last: .http(status: 503, message: "model not loaded", url: url)))
    XCTAssertEqual(server.requests.count, 3)
    XCTAssertTrue(error?.description.contains("503") ?? false)
    XCTAssertTrue(error?.description.contains(url) ?? false)
    XCTAssertEqual(client.usage.snapshot.failures, 1)
    XCTAssertEqual(client.usage.snapshot.calls, 0)
  }

  func testClientErrorIsNotRetried() async throws {
    let server = try FakeHTTPServer { _, _ in
      .respond(status: 400, body: #"{"error":{"message":"Field 'max_tokens' is invalid"}}"#)
    }
    let error = await chatError(FakeReplies.client(server, maxRetries: 3))
    XCTAssertEqual(
      error, .http(status: 400, message: "Field 'max_tokens' is invalid", url: server.baseURL + "/chat/completions"))
    XCTAssertEqual(server.requests.count, 1)
  }

  func testNonJSONErrorBodyIsQuoted() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 404, body: "no such route") }
    let error = await chatError(FakeReplies.client(server))
    XCTAssertEqual(error, .http(status: 404, message: "no such route", url: server.baseURL + "/chat/completions"))
  }

  func testTimeoutIsBoundedAndRetried() async throws {
    let server = try FakeHTTPServer { _, _ in .hang }
    let start = Date()
    let error = await chatError(FakeReplies.client(server, timeout: 0.5, maxRetries: 1))
    let elapsed = Date().timeIntervalSince(start)
    XCTAssertEqual(
      error, .retriesExhausted(attempts: 2, last: .timeout(seconds: 0.5, url: server.baseURL + "/chat/completions")))
    XCTAssertEqual(server.requests.count, 2)
    XCTAssertGreaterThanOrEqual(elapsed, 0.9)
    XCTAssertLessThan(elapsed, 4)
  }

  func testConnectionRefused() async throws {
    let port = try FakeHTTPServer.closedPort()
    let client = OpenAIClient(
      endpoint: OpenAIEndpoint(
        baseURL: "http://127.0.0.1:\(port)/v1", model: "m", timeout: 2, maxRetries: 1, retryBaseDelay: 0.01))
    let error = await chatError(client)
    guard case .retriesExhausted(2, .connection(let reason, let url)) = error else {
      return XCTFail("expected a connection error after 2 attempts, got \(String(describing: error))")
    }
    XCTAssertEqual(url, "http://127.0.0.1:\(port)/v1/chat/completions")
    XCTAssertEqual(reason, "connection refused")
  }

  func testGarbageBodiesAreMalformedResponses() async throws {
    let bodies = ["this is not json", #"{"choices": []}"#, #"{"choices": [{"index": 0}]}"#, #"[1, 2]"#, ""]
    for body in bodies {
      let server = try FakeHTTPServer { _, _ in .respond(status: 200, body: body) }
      let error = await chatError(FakeReplies.client(server))
      guard case .malformedResponse(_, let url) = error else {
        XCTFail("body \(body.debugDescription): expected malformedResponse, got \(String(describing: error))")
        continue
      }
      XCTAssertEqual(url, server.baseURL + "/chat/completions")
      XCTAssertEqual(server.requests.count, 1, "malformed bodies are not retried")
    }
  }

  func testRequestCarriesBearerKeyAndParameters() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 200, body: FakeReplies.chat("fine")) }
    let request = ChatRequest(
      messages: [.system("Be brief."), .user("Hello")], model: "other-model", maxTokens: 8, temperature: 0.2, topP: 0.9,
      seed: 42, stop: ["\n\n"], extra: ["repeat_penalty": .double(1.1), "top_k": .int(20)])
    _ = try await FakeReplies.client(server, apiKey: "secret-key").chat(request)
    let received = try XCTUnwrap(server.requests.first)
    XCTAssertEqual(received.method, "POST")
    XCTAssertEqual(received.path, "/v1/chat/completions")
    XCTAssertEqual(received.headers["authorization"], "Bearer secret-key")
    let body = received.json
    XCTAssertEqual(body["model"] as? String, "other-model")
    XCTAssertEqual(body["max_tokens"] as? Int, 8)
    XCTAssertEqual(body["top_p"] as? Double, 0.9)
    XCTAssertEqual(body["seed"] as? Int, 42)
    XCTAssertEqual(body["stop"] as? [String], ["\n\n"])
    XCTAssertEqual(body["top_k"] as? Int, 20)
    XCTAssertEqual(body["repeat_penalty"] as? Double, 1.1)
    XCTAssertNil(body["stream"])
    let messages = try XCTUnwrap(body["messages"] as? [[String: String]])
    XCTAssertEqual(messages, [["role": "system", "content": "Be brief."], ["role": "user", "content": "Hello"]])
  }

  func testNoAuthorizationHeaderWithoutKey() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 200, body: FakeReplies.chat("fine")) }
    _ = try await FakeReplies.client(server).chat(FakeReplies.hello)
    XCTAssertNil(server.requests.first?.headers["authorization"])
  }

  func testThinkBlockAndReasoningContentAreSeparated() async throws {
    let server = try FakeHTTPServer { _, number in
      number == 0
        ? .respond(status: 200, body: FakeReplies.chat("<think>The user wants a greeting.</think>\n\nHello!"))
        : .respond(status: 200, body: FakeReplies.chat("Hello again.", reasoning: "Greeting twice."))
    }
    let client = FakeReplies.client(server)
    let first = try await client.chat(FakeReplies.hello)
    XCTAssertEqual(first.content, "Hello!")
    XCTAssertEqual(first.reasoning, "The user wants a greeting.")
    XCTAssertFalse(first.truncatedReasoning)
    let second = try await client.chat(FakeReplies.hello)
    XCTAssertEqual(second.content, "Hello again.")
    XCTAssertEqual(second.reasoning, "Greeting twice.")
  }

  func testUnterminatedThinkBlockIsTruncatedReasoning() async throws {
    let server = try FakeHTTPServer { _, _ in
      .respond(status: 200, body: FakeReplies.chat("<think>First, consider the user's", finish: "length"))
    }
    let response = try await FakeReplies.client(server).chat(FakeReplies.hello)
    XCTAssertTrue(response.truncatedReasoning)
    XCTAssertEqual(response.content, "")
    XCTAssertEqual(response.reasoning, "First, consider the user's")
    XCTAssertThrowsError(try response.requireAnswer()) { error in
      XCTAssertEqual(error as? OpenAIError, .truncatedReasoning(finishReason: "length"))
    }
  }

  func testConcurrencyLimitHoldsAcrossCalls() async throws {
    let server = try FakeHTTPServer { _, _ in
      Thread.sleep(forTimeInterval: 0.15)
      return .respond(status: 200, body: FakeReplies.chat("ok"))
    }
    let client = FakeReplies.client(server, concurrency: 2)
    try await withThrowingTaskGroup(of: String.self) { group in
      for _ in 0..<6 { group.addTask { try await client.chat(FakeReplies.hello).content } }
      for try await content in group { XCTAssertEqual(content, "ok") }
    }
    XCTAssertEqual(server.requests.count, 6)
    XCTAssertEqual(server.peakConcurrency, 2)
    XCTAssertEqual(client.usage.snapshot.calls, 6)
    XCTAssertEqual(client.usage.snapshot.promptTokens, 42)
  }

  func testCancellingTheCallingTaskCancelsTheRequest() async throws {
    let server = try FakeHTTPServer { _, _ in .hang }
    let client = FakeReplies.client(server, timeout: 10)
    let task = Task { try await client.chat(FakeReplies.hello) }
    try await Task.sleep(nanoseconds: 300_000_000)
    let start = Date()
    task.cancel()
    let result = await task.result
    XCTAssertLessThan(Date().timeIntervalSince(start), 2)
    guard case .failure(let error) = result else { return XCTFail("a cancelled call must throw") }
    XCTAssertEqual(error as? OpenAIError, .cancelled)
  }

  func testInvalidBaseURLIsAClearError() async {
    let client = OpenAIClient(endpoint: OpenAIEndpoint(baseURL: "not a url", model: "m"))
    let error = await chatError(client)
    XCTAssertEqual(error, .invalidRequest("base URL 'not a url' is not an http(s) URL"))
  }

  private func chatError(_ client: OpenAIClient) async -> OpenAIError? {
    do {
      let response = try await client.chat(FakeReplies.hello)
      XCTFail("expected an error, got \(response)")
      return nil
    } catch {
      guard let error = error as? OpenAIError else {
        XCTFail("expected an OpenAIError, got \(error)")
        return nil
      }
      return error
    }
  }
}

import DRPTestSupport
import Foundation
import XCTest

@testable import DRPOpenAI

/// Against the real local servers (llama-server with a small chat model, an e5 embedding
/// server); skipped when `../shared/tools/local-models` is not running.
final class LocalServerTests: XCTestCase {
  /// The shared server may queue requests from other test runs: allow a generous timeout.
  private func llmClient() throws -> OpenAIClient {
    let (url, model) = try TestSupport.localLLM()
    return OpenAIClient(endpoint: OpenAIEndpoint(baseURL: url, model: model, timeout: 60, maxRetries: 1))
  }

  private let question = ChatRequest(
    messages: [.system("You are a helpful assistant."), .user("Name three colours.")], maxTokens: 16, temperature: 0,
    seed: 7)

  func testChat() async throws {
    let client = try llmClient()
    let response = try await client.chat(question)
    XCTAssertFalse(response.content.isEmpty)
    XCTAssertFalse(response.truncatedReasoning)
    XCTAssertNotNil(response.finishReason)
    XCTAssertGreaterThan(response.usage.promptTokens, 0)
    XCTAssertGreaterThan(response.usage.completionTokens, 0)
    XCTAssertLessThanOrEqual(response.usage.completionTokens, 16)
    XCTAssertEqual(response.usage.totalTokens, response.usage.promptTokens + response.usage.completionTokens)
    XCTAssertGreaterThan(response.latency, 0)
    XCTAssertEqual(client.usage.snapshot.calls, 1)
    XCTAssertEqual(client.usage.snapshot.completionTokens, response.usage.completionTokens)
  }

  func testChatStream() async throws {
    let client = try llmClient()
    var pieces: [String] = []
    var summary: ChatStreamSummary?
    for try await event in client.chatStream(question) {
      switch event {
      case .content(let text): pieces.append(text)
      case .reasoning: break
      case .finished(let end): summary = end
      }
    }
    XCTAssertGreaterThan(pieces.count, 1, "content should arrive as several deltas")
    XCTAssertFalse(pieces.joined().trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    let end = try XCTUnwrap(summary)
    XCTAssertNotNil(end.finishReason)
    let usage = try XCTUnwrap(end.usage, "usage requested with stream_options.include_usage")
    XCTAssertGreaterThan(usage.completionTokens, 0)
    XCTAssertLessThanOrEqual(usage.completionTokens, 16)
    XCTAssertEqual(client.usage.snapshot.calls, 1)
  }

  func testBadRequestIsAClearNonRetriedError() async throws {
    let (url, model) = try TestSupport.localLLM()
    let client = OpenAIClient(
      endpoint: OpenAIEndpoint(baseURL: url, model: model, timeout: 30, maxRetries: 3, retryBaseDelay: 2))
    let bad = ChatRequest(messages: [.user("Hi")], maxTokens: -5)
    let start = Date()
    do {
      _ = try await client.chat(bad)
      XCTFail("llama-server accepted max_tokens = -5")
    } catch let error as OpenAIError {
      guard case .http(400, let message, let errorURL) = error else {
        return XCTFail("expected HTTP 400, got \(error)")
      }
      XCTAssertTrue(message.contains("max_tokens"), message)
      XCTAssertEqual(errorURL, url + "/chat/completions")
      XCTAssertTrue(error.description.hasPrefix("HTTP 400 from \(url)/chat/completions: "), error.description)
    }
    XCTAssertLessThan(Date().timeIntervalSince(start), 1.5, "a 400 must not be retried (retry delay is 2 s)")
    var streamError: (any Error)?
    do {
      for try await _ in client.chatStream(bad) {}
    } catch {
      streamError = error
    }
    guard case .http(400, _, _) = streamError as? OpenAIError else {
      return XCTFail("expected HTTP 400 from the stream, got \(String(describing: streamError))")
    }
  }

  func testEmbeddings() async throws {
    let (url, model) = try TestSupport.localEmbedder()
    let client = OpenAIClient(
      endpoint: OpenAIEndpoint(baseURL: url, model: model, timeout: 30, maxRetries: 1, embeddingBatchSize: 2))
    let texts = [
      "query: The battery of this phone lasts two full days.",
      "query: Great phone, the battery life is excellent.",
      "query: The soup recipe needs more garlic and salt.",
    ]
    let vectors = try await client.embeddings(texts, expectedDimension: 384)
    XCTAssertEqual(vectors.count, 3)
    XCTAssertTrue(vectors.allSatisfy { $0.count == 384 })
    // Order: each vector equals the one computed for its text alone.
    for (index, text) in texts.enumerated() {
      let single = try await client.embeddings([text])
      XCTAssertGreaterThan(cosine(single[0], vectors[index]), 0.999, "vector \(index) is out of order")
    }
    XCTAssertGreaterThan(cosine(vectors[0], vectors[1]), cosine(vectors[0], vectors[2]))
    XCTAssertGreaterThan(cosine(vectors[0], vectors[1]), cosine(vectors[1], vectors[2]))
    XCTAssertEqual(client.usage.snapshot.calls, 5)
  }

  private func cosine(_ a: [Float], _ b: [Float]) -> Float {
    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    let norms = (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
    return dot / norms
  }
}

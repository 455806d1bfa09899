import DRPTestSupport
import Foundation

@testable import DRPOpenAI

/// Response bodies and clients for tests against `FakeHTTPServer`.
enum FakeReplies {
  /// A chat-completions body with one choice.
  static func chat(_ content: String, reasoning: String? = nil, finish: String = "stop") -> String {
    var message: [String: Any] = ["role": "assistant", "content": content]
    if let reasoning { message["reasoning_content"] = reasoning }
    return json([
      "model": "fake-model",
      "choices": [["index": 0, "message": message, "finish_reason": finish]],
      "usage": ["prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12],
    ])
  }

  /// One SSE event carrying a content delta (and a finish reason when given).
  static func delta(_ content: String? = nil, reasoning: String? = nil, finish: String? = nil) -> String {
    var delta: [String: Any] = [:]
    if let content { delta["content"] = content }
    if let reasoning { delta["reasoning_content"] = reasoning }
    var choice: [String: Any] = ["index": 0, "delta": delta]
    if let finish { choice["finish_reason"] = finish }
    return "data: " + json(["model": "fake-model", "choices": [choice]]) + "\n\n"
  }

  /// The final usage event of a stream.
  static let usageEvent =
    "data: " + json(["choices": [], "usage": ["prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7]])
    + "\n\n"

  /// The end-of-stream marker.
  static let done = "data: [DONE]\n\n"

  /// An embeddings body; `vectors[i]` gets index `indices[i]` (default: positions).
  static func embeddings(_ vectors: [[Float]], indices: [Int]? = nil) -> String {
    let items = vectors.enumerated().map { position, vector in
      ["object": "embedding", "index": indices?[position] ?? position, "embedding": vector.map(Double.init)]
        as [String: Any]
    }
    return json([
      "object": "list", "data": items,
      "usage": ["prompt_tokens": 2 * vectors.count, "total_tokens": 2 * vectors.count],
    ])
  }

  /// A client of `server` with fast retries.
  static func client(
    _ server: FakeHTTPServer, timeout: Double = 5, maxRetries: Int = 2, concurrency: Int = 4, batchSize: Int = 64,
    apiKey: String? = nil
  ) -> OpenAIClient {
    OpenAIClient(
      endpoint: OpenAIEndpoint(
        baseURL: server.baseURL, model: "fake-model", apiKey: apiKey, timeout: timeout, maxRetries: maxRetries,
        concurrency: concurrency, retryBaseDelay: 0.01, embeddingBatchSize: batchSize))
  }

  /// A one-message request.
  static let hello = ChatRequest(messages: [.user("Say hello.")], maxTokens: 16, temperature: 0)

  private static func json(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
  }
}

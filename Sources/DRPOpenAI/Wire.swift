/// The JSON bodies the server sends, as far as this client reads them.
enum Wire {
  /// A chat completion, or one chunk of a streamed one.
  struct Completion: Decodable {
    var model: String?
    var choices: [Choice]?
    var usage: Usage?
    var error: ErrorInfo?
  }

  /// One choice of a completion.
  struct Choice: Decodable {
    var message: Message?
    var delta: Message?
    var finish_reason: String?
  }

  /// A message or a streamed delta.
  struct Message: Decodable {
    var content: String?
    var reasoning_content: String?
  }

  /// Token usage.
  struct Usage: Decodable {
    var prompt_tokens: Int?
    var completion_tokens: Int?
    var total_tokens: Int?

    var tokenUsage: TokenUsage {
      TokenUsage(promptTokens: prompt_tokens ?? 0, completionTokens: completion_tokens ?? 0, totalTokens: total_tokens)
    }
  }

  /// An error reported inside a 2xx body (streams).
  struct ErrorInfo: Decodable {
    var message: String?
  }

  /// An embeddings response.
  struct Embeddings: Decodable {
    var data: [Embedding]?
    var usage: Usage?
  }

  /// One embedding vector.
  struct Embedding: Decodable {
    var index: Int?
    var embedding: [Float]?
  }
}

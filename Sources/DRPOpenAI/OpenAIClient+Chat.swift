import Foundation

extension OpenAIClient {
  /// Sends a chat request and waits for the whole answer.
  ///
  /// - Returns: the answer with reasoning separated; check `truncatedReasoning` (or call
  ///   `requireAnswer()`) before using `content`.
  /// - Throws: `OpenAIError` (see the type's cases; retry policy and limits on `OpenAIClient`).
  public func chat(_ request: ChatRequest) async throws -> ChatResponse {
    try await metered {
      let start = Date()
      try checkPromptSize(request)
      let data = try await post(
        path: "chat/completions", body: request.body(defaultModel: endpoint.model, stream: false),
        limit: replyLimit(request))
      let completion =
        try Wire.Completion.parse(data) ?? decode(Wire.Completion.self, from: data, path: "chat/completions")
      guard let choice = completion.choices?.first, let message = choice.message else {
        throw OpenAIError.malformedResponse(
          reason: "the response has no choices[0].message", url: try endpoint.url("chat/completions").absoluteString)
      }
      let response = ChatResponse(
        rawContent: message.content ?? "", reasoningContent: message.reasoning_content,
        finishReason: choice.finish_reason,
        usage: completion.usage?.tokenUsage ?? TokenUsage(promptTokens: 0, completionTokens: 0),
        model: completion.model ?? request.model ?? endpoint.model, latency: Date().timeIntervalSince(start))
      usage.recordSuccess(completion.usage?.tokenUsage)
      return response
    }
  }
}

/// How a streamed chat completion ended.
public struct ChatStreamSummary: Sendable, Equatable {
  /// The server's `finish_reason`.
  public var finishReason: String?
  /// Token counts if the server sent them (`stream_options.include_usage`).
  public var usage: TokenUsage?
  /// The model that answered, as the server names it.
  public var model: String
  /// Seconds from the request to the end of the stream.
  public var latency: Double
  /// Whether the reasoning was cut off before an answer (same rule as `ChatResponse`).
  public var truncatedReasoning: Bool
}

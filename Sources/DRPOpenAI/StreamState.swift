import Foundation

/// What a chat stream has delivered so far; turns SSE event data into `ChatStreamEvent`s.
struct StreamState {
  var model: String
  var finishReason: String?
  var usage: TokenUsage?
  /// Whether any content or reasoning event has been yielded.
  private(set) var deliveredEvent = false
  private var deliveredAnswer = false
  private var deliveredReasoning = false
  private var splitter = ThinkSplitter()
  /// The most bytes of answer and reasoning text the stream may deliver.
  private let replyLimit: BodyLimit
  private var textBytes = 0

  init(model: String, replyLimit: BodyLimit) {
    self.model = model
    self.replyLimit = replyLimit
  }

  /// Handles one event's data; returns true at `[DONE]`.
  /// - Throws: `OpenAIError`: `streamError`, `malformedResponse`, `tooLarge` when the text
  ///   received passes the reply limit.
  mutating func consume(
    _ data: String, url: String, continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation
  ) throws -> Bool {
    let trimmed = data.trimmingCharacters(in: .whitespaces)
    if trimmed == "[DONE]" { return true }
    let chunk: Wire.Completion
    do {
      chunk =
        try Wire.Completion.parse(trimmed.utf8) ?? JSONDecoder().decode(Wire.Completion.self, from: Data(trimmed.utf8))
    } catch {
      throw OpenAIError.malformedResponse(reason: "a stream event is not valid JSON: \(trimmed.prefix(200))", url: url)
    }
    if let error = chunk.error { throw OpenAIError.streamError(message: error.message ?? "(no message)", url: url) }
    if let name = chunk.model { model = name }
    if let reported = chunk.usage { usage = reported.tokenUsage }
    guard let choice = chunk.choices?.first else { return false }
    if let reason = choice.finish_reason { finishReason = reason }
    textBytes += (choice.delta?.reasoning_content?.utf8.count ?? 0) + (choice.delta?.content?.utf8.count ?? 0)
    if textBytes > replyLimit.bytes { throw replyLimit.error(url: url) }
    if let reasoning = choice.delta?.reasoning_content, !reasoning.isEmpty {
      yield([ThinkSplitter.Part(text: reasoning, isReasoning: true)], continuation)
    }
    if let content = choice.delta?.content { yield(splitter.feed(content), continuation) }
    return false
  }

  /// Flushes held-back text and summarises the stream.
  mutating func finish(
    latency: Double, continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation
  ) -> ChatStreamSummary {
    yield(splitter.finish(), continuation)
    let truncated =
      splitter.isInsideThink || (!deliveredAnswer && deliveredReasoning && finishReason == "length")
    return ChatStreamSummary(
      finishReason: finishReason, usage: usage, model: model, latency: latency, truncatedReasoning: truncated)
  }

  private mutating func yield(
    _ parts: [ThinkSplitter.Part], _ continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation
  ) {
    for part in parts where !part.text.isEmpty {
      deliveredEvent = true
      if part.isReasoning {
        deliveredReasoning = true
        continuation.yield(.reasoning(part.text))
      } else {
        deliveredAnswer = deliveredAnswer || part.text.contains { !$0.isWhitespace }
        continuation.yield(.content(part.text))
      }
    }
  }
}

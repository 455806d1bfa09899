import DRPCore
import Foundation

/// The answer to a chat request, with any reasoning separated from the answer.
///
/// Reasoning comes from the server's `reasoning_content` field and from a `<think>…</think>` block
/// in the content (both are kept, in that order). The reasoning is *truncated* when the content
/// opens `<think>` without closing it, or when the server separates reasoning, the answer is empty
/// and generation stopped on the token limit (`finish_reason: length`). A truncated response has
/// an empty `content`; callers should treat it as a failed call (see `requireAnswer()`).
public struct ChatResponse: Sendable, Equatable {
  /// The answer, without any reasoning block, trimmed of surrounding whitespace.
  public var content: String
  /// The model's reasoning, empty when there was none.
  public var reasoning: String
  /// Whether the reasoning was cut off before an answer was produced.
  public var truncatedReasoning: Bool
  /// The server's `finish_reason` (`stop`, `length`, ...).
  public var finishReason: String?
  /// Token counts, zero when the server did not report them.
  public var usage: TokenUsage
  /// The model that answered, as the server names it.
  public var model: String
  /// Seconds from the request to the complete answer (retries included).
  public var latency: Double

  /// Creates a response from raw content, separating reasoning from the answer.
  public init(
    rawContent: String, reasoningContent: String?, finishReason: String?, usage: TokenUsage, model: String,
    latency: Double
  ) {
    var split = ThinkSplitter()
    let parts = split.feed(rawContent) + split.finish()
    let thinkText = parts.filter { $0.isReasoning }.map(\.text).joined()
    let answer = parts.filter { !$0.isReasoning }.map(\.text).joined()
    let reasoningParts = [reasoningContent ?? "", thinkText].filter { !$0.isEmpty }
    self.reasoning = reasoningParts.joined(separator: "\n").trimmingWhitespace()
    let trimmed = answer.trimmingWhitespace()
    self.truncatedReasoning =
      split.isInsideThink || (trimmed.isEmpty && !reasoning.isEmpty && finishReason == "length")
    self.content = truncatedReasoning ? "" : trimmed
    self.finishReason = finishReason
    self.usage = usage
    self.model = model
    self.latency = latency
  }

  /// Returns the response, or throws `OpenAIError.truncatedReasoning` when the reasoning was cut off.
  public func requireAnswer() throws(OpenAIError) -> ChatResponse {
    if truncatedReasoning { throw .truncatedReasoning(finishReason: finishReason) }
    return self
  }
}

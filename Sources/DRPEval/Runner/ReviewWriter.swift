// What the evaluation runner needs from a generation pipeline.
import DRPReasoning

/// Writes a user's held-out review in a pipeline mode without seeing it: implementations must
/// exclude `heldOut.id` from everything they read (peers, profiles, retrieved history).
public protocol ReviewWriter: Sendable {
  /// The review text generated for `heldOut.itemID` (with its rating and title) as `heldOut.userID`
  /// would write it, in `mode`, with the LLM usage it cost.
  func write(_ heldOut: HeldOutCase, mode: PipelineMode) async throws -> WrittenReview
}

/// A generated review and what producing it cost.
public struct WrittenReview: Sendable, Equatable {
  /// The review text.
  public var text: String
  /// LLM requests made (0 when every answer came from the cache or no LLM is configured).
  public var llmCalls: Int
  /// Prompt plus completion tokens of those requests.
  public var tokens: Int
  /// LLM requests of the reasoning stages (every stage but the generation), cache hits excluded.
  public var reasoningCalls: Int
  /// Tokens of those reasoning requests.
  public var reasoningTokens: Int
  /// Answers (of any stage) that stopped at their `max_tokens` (`finish_reason: length`).
  public var truncated: Int

  /// Creates a result.
  public init(
    text: String, llmCalls: Int, tokens: Int, reasoningCalls: Int = 0, reasoningTokens: Int = 0, truncated: Int = 0
  ) {
    self.text = text
    self.llmCalls = llmCalls
    self.tokens = tokens
    self.reasoningCalls = reasoningCalls
    self.reasoningTokens = reasoningTokens
    self.truncated = truncated
  }
}

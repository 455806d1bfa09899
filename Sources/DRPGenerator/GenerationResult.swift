import DRPReasoning
import Foundation

/// A generated review and what producing it cost.
public struct GenerationResult: Codable, Hashable, Sendable {
  /// The review text.
  public var review: String
  /// The pipeline mode used.
  public var mode: PipelineMode
  /// LLM calls made (cache hits excluded), profile building included.
  public var llmCalls: Int
  /// Prompt plus completion tokens of those calls.
  public var tokens: Int
  /// Per-stage counts.
  public var stats: PipelineStats

  /// Creates a result; `llmCalls` and `tokens` are taken from `stats`.
  public init(review: String, mode: PipelineMode, stats: PipelineStats) {
    self.review = review
    self.mode = mode
    self.stats = stats
    self.llmCalls = stats.total.calls
    self.tokens = stats.total.tokens
  }

  private enum CodingKeys: String, CodingKey {
    case review, mode, tokens, stats
    case llmCalls = "llm_calls"
  }
}

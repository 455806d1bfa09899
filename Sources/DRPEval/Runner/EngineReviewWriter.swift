// The evaluation's bridge to the engine's generation pipeline.
import DRPEngine
import DRPReasoning

/// Writes held-out reviews with ``Engine/generate(user:item:rating:title:mode:options:excluding:onDelta:)``,
/// passing as `excluding` the case's held-out review, the user's later reviews hidden with it, and
/// `hidden` — every review the evaluation holds out, of any user — so peer pools, user vectors (the
/// user's and each candidate peer's), profiles and retrieved history never see a held-out review. The
/// item, rating and title of the held-out review are the generation's target.
public struct EngineReviewWriter: ReviewWriter {
  /// The engine of the evaluated home directory.
  public let engine: Engine
  /// Pipeline options (nil: the configuration's `pipeline` section); the mode is set per call.
  public var options: PipelineOptions?
  /// Every review the evaluation holds out (all eligible users' held-out and hidden reviews), excluded
  /// from every generation besides the case's own.
  public var hidden: Set<Int64>

  /// Creates a writer.
  public init(engine: Engine, options: PipelineOptions? = nil, hidden: Set<Int64> = []) {
    self.engine = engine
    self.options = options
    self.hidden = hidden
  }

  /// What generating `heldOut` must not see: every hidden review of the evaluation and the case's own
  /// held-out and hidden reviews.
  public func exclusions(for heldOut: HeldOutCase) -> Set<Int64> { hidden.union(heldOut.excluded) }

  /// Generates `heldOut`'s review in `mode`, excluding every held-out review from everything the engine reads.
  /// - Throws: the engine's errors (unknown user or item, no user vector, unusable LLM replies).
  public func write(_ heldOut: HeldOutCase, mode: PipelineMode) async throws -> WrittenReview {
    let review = heldOut.heldOut
    let result = try await engine.generate(
      user: heldOut.userID, item: review.itemID, rating: review.rating,
      title: review.title.isEmpty ? nil : review.title,
      mode: mode, options: options, excluding: exclusions(for: heldOut))
    let reasoning = result.stats.stages.filter { $0.key != "generate" }.values.reduce(StageStats(), +)
    let truncated = result.stats.stages.values.reduce(0) { $0 + $1.truncated }
    return WrittenReview(
      text: result.review, llmCalls: result.llmCalls, tokens: result.tokens, reasoningCalls: reasoning.calls,
      reasoningTokens: reasoning.tokens, truncated: truncated)
  }
}

// The evaluation's bridge to the engine's generation pipeline.
import DRPEngine
import DRPReasoning

/// Writes held-out reviews with ``Engine/generate(user:item:rating:title:mode:options:excluding:onDelta:)``,
/// passing the held-out review's id as `excluding`, so peer selection, the user's vector, profiles
/// and retrieved history never see it. The item, rating and title of the held-out review are the
/// generation's target.
public struct EngineReviewWriter: ReviewWriter {
  /// The engine of the evaluated home directory.
  public let engine: Engine
  /// Pipeline options (nil: the configuration's `pipeline` section); the mode is set per call.
  public var options: PipelineOptions?

  /// Creates a writer.
  public init(engine: Engine, options: PipelineOptions? = nil) {
    self.engine = engine
    self.options = options
  }

  /// Generates `heldOut`'s review in `mode`, excluding the held-out review from everything the engine reads.
  /// - Throws: the engine's errors (unknown user or item, no user vector, unusable LLM replies).
  public func write(_ heldOut: HeldOutCase, mode: PipelineMode) async throws -> WrittenReview {
    let review = heldOut.heldOut
    let result = try await engine.generate(
      user: heldOut.userID, item: review.itemID, rating: review.rating,
      title: review.title.isEmpty ? nil : review.title,
      mode: mode, options: options, excluding: [review.id])
    return WrittenReview(text: result.review, llmCalls: result.llmCalls, tokens: result.tokens)
  }
}

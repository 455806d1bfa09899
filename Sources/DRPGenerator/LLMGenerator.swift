import DRPReasoning
import Foundation

/// Writes a review with an LLM: `GenerationPrompt` → `ChatModel` (streamed when a delta callback is
/// given) → `ReviewTextCleaner`. Replies are cached like every pipeline call (stage `generate`), so
/// the same request twice costs one call; an empty or truncated answer is retried.
public struct LLMGenerator: Sendable {
  /// The generation prompt builder.
  public let prompt: GenerationPrompt
  /// The generation model.
  public let model: any ChatModel
  /// The reply cache (nil: none).
  public let cache: (any LLMCache)?

  /// Creates a generator.
  public init(prompt: GenerationPrompt, model: any ChatModel, cache: (any LLMCache)?) {
    self.prompt = prompt
    self.model = model
    self.cache = cache
  }

  /// Generates the review.
  /// - Parameters:
  ///   - history: the user's most relevant past reviews, most relevant first (see `HistorySelector`).
  ///   - profile: the difference profile (`dpl`/`drp`).
  ///   - options: mode, max tokens, temperature, retries.
  ///   - onDelta: receives answer text as it streams (raw, before cleaning).
  /// - Throws: `GenerationError` when every attempt was rejected; template errors; cancellation.
  public func generate(
    item: ItemInfo, history: [ReviewSample], profile: DifferenceProfile?, rating: Double?, title: String?,
    options: PipelineOptions, onDelta: (@Sendable (String) -> Void)? = nil
  ) async throws -> GenerationResult {
    let rendered = try prompt.build(
      item: item, history: history, profile: profile, rating: rating, title: title, mode: options.mode)
    let caller = LLMCaller(model: model, cache: cache)
    let call = LLMCall(
      stage: "generate", prompt: rendered, itemID: item.id, maxTokens: options.maxTokens,
      temperature: options.temperature, topP: options.topP, seed: options.seed ?? 0, retries: options.retries)
    let clean = prompt.preset == .paper ? ReviewTextCleaner.paper : ReviewTextCleaner.clean
    guard let review = try await caller.run(call, onDelta: onDelta, parse: clean) else {
      throw GenerationError(reasons: caller.failures.map(\.reason))
    }
    return GenerationResult(review: review, mode: options.mode, stats: caller.stats)
  }
}

// Personalised review generation: history, profile and the LLM (or the offline generator).
import DRPCore
import DRPGenerator
import DRPReasoning
import DRPStore
import Foundation

extension Engine {
  /// Writes the review `user` would write about `item`.
  ///
  /// The prompt gets the item, (modes `rag`/`dpl`/`drp`) the user's `options.history` past reviews
  /// most relevant to the item by BM25 (the paper preset: the same BM25Okapi ranking as its key
  /// samples, each review with its item), and (modes `dpl`/`drp`) the user's difference profile from
  /// `profile(user:target:...)` for this item and title. With `llm.url` configured the review is written by that model
  /// (`LLMGenerator`, streamed to `onDelta` when given); otherwise by the `OfflineGenerator`. A cold
  /// `drp` generation waits for four LLM round trips: the profile's extraction, validation and
  /// synthesis (see `Orchestrator`), then the review.
  /// - Parameters:
  ///   - rating, title: the target rating and review title, when known.
  ///   - mode: overrides `options.mode`.
  ///   - options: the knobs (default: `pipelineOptions()`).
  ///   - excluding: held-out review ids (e.g. the user's real review of `item`).
  ///   - onDelta: receives the LLM answer as it streams; the offline generator delivers the whole
  ///     review once.
  /// - Returns: the review, the mode, and the LLM calls and tokens of this request (profile included).
  /// - Throws: `EngineError` for an unknown user or item, `GenerationError` when the model gave no
  ///   usable review, profile errors.
  public func generate(
    user: String, item: String, rating: Double? = nil, title: String? = nil, mode: PipelineMode? = nil,
    options: PipelineOptions? = nil, excluding: Set<Int64> = [], onDelta: (@Sendable (String) -> Void)? = nil
  ) async throws -> GenerationResult {
    var options = try options ?? pipelineOptions()
    if let mode { options.mode = mode }
    let chosen = options
    let (target, history, past) = try await blocking.run {
      [self] () -> (ItemInfo, [ReviewSample], [ReviewSample]) in
      guard let stored = try store.item(item) else { throw EngineError.unknownItem(item) }
      let target = ItemInfo(id: stored.id, title: stored.title, description: stored.description)
      let history = try userReviews(user, excluding: excluding).map(Self.sample)
      // The paper preset shows past reviews with their items, ranked as its key samples are.
      let past =
        chosen.preset == .paper && chosen.mode.usesHistory
        ? try pastReviews(
          user: user, target: ProfileTarget(itemID: item, title: title), count: chosen.history, excluding: excluding)
        : HistorySelector.mostRelevant(history, to: target, count: chosen.history)
      return (target, history, past)
    }
    var stats = PipelineStats()
    var profile: DifferenceProfile?
    if options.mode.usesProfile {
      let built = try await self.profile(
        user: user, target: ProfileTarget(itemID: item, title: title), options: options, excluding: excluding)
      stats = built.stats
      profile = built.profile
    }
    guard let model = models.generator(model: options.generatorModel) else {
      let review = OfflineGenerator().generate(
        item: target, history: history.filter { $0.itemID != item }, profile: profile, rating: rating, title: title,
        mode: options.mode)
      onDelta?(review)
      return GenerationResult(review: review, mode: options.mode, stats: stats)
    }
    var prompt = try promptSet(for: options.preset).generation
    prompt.budget = PromptBudget(maxTokens: options.promptBudget)
    let generator = LLMGenerator(prompt: prompt, model: model, cache: replyCache)
    var result = try await generator.generate(
      item: target, history: past, profile: profile, rating: rating, title: title, options: options, onDelta: onDelta)
    result = GenerationResult(review: result.review, mode: result.mode, stats: stats + result.stats)
    return result
  }
}

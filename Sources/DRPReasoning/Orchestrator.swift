import DRPCore
import Foundation

/// Builds a difference profile with a reasoning LLM, following the steps documented on
/// `ReasoningPrompts` (the key samples concurrently, see `profile(userID:keySamples:options:created:progress:)`):
///
/// - mode `drp`: for each key sample, difference discovery `samples` times (self-consistency,
///   merged with `DimensionMerger.mergeSamples` over the successful samples), then — when
///   `validation` is on — reflective validation of the merged candidates; then the key samples'
///   dimensions are merged (support = key items) and a synthesis call writes the summary. When the
///   synthesis fails, a deterministic summary is built from the dimensions.
/// - mode `dpl`: one extraction per key sample with the three-dimension template, no validation, no
///   synthesis call; only the three base dimensions are kept.
///
/// With `options.structuredOutput` set, every call carries its stage's `AnswerSchema` (or asks for
/// any JSON object). Failed calls (truncated reasoning, empty or unparseable answers, transport
/// errors) are retried by `LLMCaller` and never used. A key sample whose every extraction fails contributes nothing; a
/// failed validation leaves that sample's candidates unvalidated. Every failure is returned in
/// `ProfileResult.failures`.
///
/// With the `paper` preset the steps are the released DRP pipeline's instead (see
/// `Orchestrator+Paper.swift`): free-text differences passed on as written, validation used,
/// recorded or skipped, and a summary by the summarizer model from the differences and past reviews.
public struct Orchestrator: Sendable {
  /// The prompt templates (of the preset the options name).
  public let prompts: ReasoningPrompts
  /// The reasoning model (difference discovery and validation).
  public let model: any ChatModel
  /// The model that writes the summary; nil: `model`.
  public let summarizer: (any ChatModel)?
  /// The reply cache (nil: none).
  public let cache: (any LLMCache)?

  /// Names of the `dpl` base dimensions.
  public static let baseDimensions = ["Writing style", "Emotional style", "Semantic style"]

  /// Creates an orchestrator.
  public init(
    prompts: ReasoningPrompts, model: any ChatModel, summarizer: (any ChatModel)? = nil, cache: (any LLMCache)?
  ) {
    self.prompts = prompts
    self.model = model
    self.summarizer = summarizer
    self.cache = cache
  }

  /// Builds the profile of `userID` from `keySamples`.
  ///
  /// The key samples are analysed concurrently: each one's extractions (all its self-consistency
  /// samples at once), then its validation as soon as they are in; then the synthesis. A cold
  /// `drp` profile therefore waits for three LLM round trips (extraction, validation, synthesis),
  /// a `dpl` profile for one, as long as the model's client allows that many requests in flight
  /// (its concurrency limit queues the rest). Results are merged in key-sample order and failures
  /// sorted by key sample, stage, sample and attempt, so the profile does not depend on which
  /// reply came first.
  /// - Parameters:
  ///   - options: mode (`drp` or `dpl`), preset, samples, validation, thinking budget, sampling, retries.
  ///   - history: the user's past reviews most relevant to the target, with their items (the paper
  ///     preset's summary shows them; drp's synthesis does not use them).
  ///   - target: the target item the profile is for (nil for a per-user profile).
  ///   - created: the provenance timestamp.
  ///   - progress: receives one line per LLM step.
  /// - Throws: `PipelineOptionsError` for modes without a profile or prompts of another preset,
  ///   template errors, cancellation, a cache that cannot be read, or `StructuredOutputError` when
  ///   the server rejects `response_format`.
  public func profile(
    userID: String, keySamples: [KeySample], options: PipelineOptions, history: [ReviewSample] = [],
    target: String? = nil, created: Int64, progress: (@Sendable (String) -> Void)? = nil
  ) async throws -> ProfileResult {
    guard options.mode.usesProfile else {
      throw PipelineOptionsError(field: "mode", problem: "mode \(options.mode) builds no profile (use drp or dpl)")
    }
    guard prompts.preset == options.preset else {
      throw PipelineOptionsError(
        field: "preset",
        problem: "the prompts are the \(prompts.preset) preset's, the options ask for \(options.preset)")
    }
    if options.preset == .paper {
      return try await paperProfile(
        userID: userID, keySamples: keySamples, options: options, history: history, target: target, created: created,
        progress: progress)
    }
    let caller = LLMCaller(model: model, cache: cache)
    let summaryCaller = summarizer.map { LLMCaller(model: $0, cache: cache) } ?? caller
    let mode = options.mode
    let outcomes = try await withThrowingTaskGroup(of: (Int, KeyItemOutcome).self) { group in
      for (index, sample) in keySamples.enumerated() {
        group.addTask {
          progress?("\(mode) key sample \(index + 1)/\(keySamples.count): item \(sample.item.id)")
          return (index, try await analyse(sample, caller: caller, options: options))
        }
      }
      var slots = [KeyItemOutcome?](repeating: nil, count: keySamples.count)
      for try await (index, outcome) in group { slots[index] = outcome }
      return slots.compactMap { $0 }
    }
    var templates = outcomes.reduce(into: Set<String>()) { $0.formUnion($1.templates) }
    let perItem = outcomes.compactMap { outcome in outcome.dimensions.map { (itemID: outcome.itemID, dimensions: $0) } }
    var dimensions = DimensionMerger().mergeItems(perItem)
    if mode == .dpl {
      let merger = DimensionMerger()
      dimensions = dimensions.filter { d in Self.baseDimensions.contains { merger.sameDimension($0, d.name) } }
    }
    var summary = Self.summary(dimensions, itemCount: perItem.count)
    if mode == .drp && !dimensions.isEmpty {
      progress?("drp synthesis over \(dimensions.count) dimensions")
      let synthesis = try prompts.synthesis(dimensions: dimensions, itemCount: perItem.count)
      templates.insert(synthesis.templateID)
      let schema = AnswerSchema.summary(maxTokens: options.thinkingBudget)
      let call = reasoningCall("synthesize", synthesis, schema, item: nil, sample: 0, options)
      if let written = try await summaryCaller.run(call, parse: Self.parseSummary) { summary = written }
    }
    return result(
      userID: userID, mode: mode, dimensions: dimensions, summary: summary,
      differences: outcomes.compactMap { outcome in
        outcome.validated.map { KeyItemDifference(itemID: outcome.itemID, text: "", validated: $0) }
      }, target: target,
      keySamples: keySamples, templates: templates, created: created, callers: (caller, summaryCaller))
  }

  /// The profile of a run: provenance from its key samples (their items and peers), the models and
  /// the prompt templates used; LLM stats of both callers combined; failures in key-item order.
  func result(
    userID: String, mode: PipelineMode, dimensions: [DifferenceDimension], summary: String,
    differences: [KeyItemDifference],
    target: String?, keySamples: [KeySample], templates: Set<String>, created: Int64,
    callers: (caller: LLMCaller, summaryCaller: LLMCaller)
  ) -> ProfileResult {
    let peerIDs = Set(keySamples.flatMap { $0.peerReviews.map(\.userID) })
    let provenance = ProfileProvenance(
      keyItems: keySamples.map(\.item.id), peerIDs: peerIDs.sorted(), models: modelNames,
      promptVersions: templates.sorted(), created: created)
    return ProfileResult(
      profile: DifferenceProfile(
        userID: userID, mode: mode, dimensions: dimensions, summary: summary, provenance: provenance,
        differences: differences, target: target),
      stats: Self.combined(callers.caller, callers.summaryCaller),
      failures: Self.ordered(
        Self.failures(callers.caller, callers.summaryCaller), keyItems: keySamples.map(\.item.id)))
  }

  /// The names of the models used: the reasoning model, then the summarizer when it is another.
  var modelNames: [String] {
    guard let summarizer, summarizer.name != model.name else { return [model.name] }
    return [model.name, summarizer.name]
  }

  /// The stats of both callers (one when they are the same object).
  static func combined(_ a: LLMCaller, _ b: LLMCaller) -> PipelineStats { a === b ? a.stats : a.stats + b.stats }

  /// The failures of both callers (one when they are the same object).
  static func failures(_ a: LLMCaller, _ b: LLMCaller) -> [PipelineFailure] {
    a === b ? a.failures : a.failures + b.failures
  }

  /// What one key sample contributed: its dimensions (nil when every extraction failed) and the
  /// templates its calls used.
  private struct KeyItemOutcome: Sendable {
    var itemID: String
    var dimensions: [DifferenceDimension]?
    var templates: Set<String>
    /// The validation's kept dimensions when validation is `record` (names, one per line).
    var validated: String?
  }

  /// Discovery on one key sample (its `samples` extractions concurrently, merged), then — in
  /// `drp` mode with validation on — the validation of the merged candidates.
  private func analyse(_ sample: KeySample, caller: LLMCaller, options: PipelineOptions) async throws
    -> KeyItemOutcome
  {
    let mode = options.mode
    let extraction = try prompts.extraction(
      item: sample.item, userReview: sample.userReview, peerReviews: sample.peerReviews, mode: mode)
    var templates: Set<String> = [extraction.templateID]
    let schema =
      mode == .dpl
      ? AnswerSchema.baseDimensions(Self.baseDimensions, maxTokens: options.thinkingBudget)
      : AnswerSchema.dimensions(maxTokens: options.thinkingBudget)
    let samples = mode == .drp ? options.samples : 1
    let found = try await withThrowingTaskGroup(of: (Int, [DifferenceDimension]?).self) { group in
      for s in 0..<samples {
        let call = reasoningCall("extract", extraction, schema, item: sample.item.id, sample: s, options)
        group.addTask { (s, try await caller.run(call, parse: DimensionParser.parse)) }
      }
      var slots = [[DifferenceDimension]?](repeating: nil, count: samples)
      for try await (s, dimensions) in group { slots[s] = dimensions }
      return slots.compactMap { $0 }
    }
    guard !found.isEmpty else {
      return KeyItemOutcome(itemID: sample.item.id, dimensions: nil, templates: templates, validated: nil)
    }
    var dimensions = DimensionMerger().mergeSamples(found)
    var recorded: String?
    if mode.validates && options.validation.runs && !dimensions.isEmpty {
      let validation = try prompts.validation(
        item: sample.item, userReview: sample.userReview, peerReviews: sample.peerReviews, candidates: dimensions)
      templates.insert(validation.templateID)
      let candidates = dimensions
      let schema = AnswerSchema.validation(candidates: candidates.map(\.name), maxTokens: options.thinkingBudget)
      let call = reasoningCall("validate", validation, schema, item: sample.item.id, sample: 0, options)
      if let kept = try await caller.run(call, parse: { try ValidationParser.parse($0).apply(to: candidates) }) {
        // `record`: the result is kept beside the profile, which is built from the candidates.
        if options.validation == .use { dimensions = kept } else { recorded = kept.map(\.name).joined(separator: "\n") }
      }
    }
    return KeyItemOutcome(itemID: sample.item.id, dimensions: dimensions, templates: templates, validated: recorded)
  }

  /// Failures in a stable order: by key item (in key-sample order; calls about no item last),
  /// stage (extract, validate, synthesize, then any other), sample and attempt.
  static func ordered(_ failures: [PipelineFailure], keyItems: [String]) -> [PipelineFailure] {
    let itemRank = Dictionary(keyItems.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    let stages = ["extract", "validate", "synthesize"]
    func key(_ f: PipelineFailure) -> (Int, Int, Int, Int) {
      (
        f.itemID.flatMap { itemRank[$0] } ?? keyItems.count, stages.firstIndex(of: f.stage) ?? stages.count,
        f.sample, f.attempt
      )
    }
    return failures.enumerated().sorted { a, b in
      let (ka, kb) = (key(a.element), key(b.element))
      return ka != kb ? ka < kb : a.offset < b.offset
    }.map(\.element)
  }

  func reasoningCall(
    _ stage: String, _ prompt: RenderedPrompt, _ schema: AnswerSchema?, item: String?, sample: Int,
    _ options: PipelineOptions, maxTokens: Int? = nil
  ) -> LLMCall {
    LLMCall(
      stage: stage, prompt: prompt, itemID: item, sample: sample, maxTokens: maxTokens ?? options.thinkingBudget,
      temperature: options.temperature, topP: options.topP, seed: options.seed ?? 0, retries: options.retries,
      responseFormat: schema?.responseFormat(options.structuredOutput))
  }

  /// The synthesis answer's summary; an answer without one is rejected.
  static func parseSummary(_ answer: String) throws -> String {
    let summary = try DimensionParser.parseProfile(answer).summary.trimmingWhitespace()
    if summary.isEmpty { throw ReasoningError.unparseable("the synthesis answer has no summary") }
    return summary
  }

  /// The deterministic summary: the strongest dimensions' descriptions in one sentence.
  public static func summary(_ dimensions: [DifferenceDimension], itemCount: Int) -> String {
    guard !dimensions.isEmpty else {
      return itemCount == 0
        ? "No difference from comparable reviewers could be established (no usable comparison)."
        : "Writes much like comparable reviewers: no reliable difference was found on \(itemCount) shared items."
    }
    let parts = dimensions.prefix(4).map { d in
      d.description.isEmpty ? d.name.lowercased() : "\(d.name.lowercased()): \(d.description)"
    }
    return "Compared with peers on \(itemCount) shared item\(itemCount == 1 ? "" : "s"), this user differs in "
      + parts.joined(separator: "; ") + "."
  }
}

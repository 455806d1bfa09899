import DRPCore
import Foundation

/// Builds the reasoning passes' prompts (extraction, validation, synthesis) from plain inputs.
///
/// The LLM orchestrator (next layer: DRPOpenAI calls, SQLite cache, CLI) is expected to run, per user:
/// 1. for each `KeySample` (mode `drp` or `dpl`): `extraction(...)`; send `messages` N times
///    (self-consistency); `DimensionParser.parse` each answer — on `ReasoningError.truncatedReasoning`
///    or `.emptyAnswer` retry (larger max_tokens), never use such output; then
///    `DimensionMerger().mergeSamples(samples)` (keeps dimensions found by ≥ ceil(N/2) samples);
/// 2. mode `drp` only: `validation(..., candidates:)`, `ValidationParser.parse(answer).apply(to:)`;
/// 3. `DimensionMerger().mergeItems([(itemID, dimensions)])` → support = number of key items;
/// 4. `synthesis(dimensions:itemCount:)` and `DimensionParser.parseProfile(answer)` for the summary
///    (keep the merged dimensions when the synthesis answer has none);
/// 5. `DifferenceProfile(userID:mode:dimensions:summary:provenance:)` with the key items, peer ids,
///    model names and every `RenderedPrompt.templateID` used; `StatisticalAnalyser().analyse` is the
///    model-free fallback producing the same schema.
/// Cache keys should include `templateID`, the model and the rendered messages.
///
/// ```swift
/// let prompts = try ReasoningPrompts(directory: configDir.appendingPathComponent("prompts"))
/// let p = try prompts.extraction(item: item, userReview: mine, peerReviews: peers, mode: .drp)
/// let samples = try answers.map(DimensionParser.parse)
/// let merged = DimensionMerger().mergeSamples(samples)
/// let v = try prompts.validation(item: item, userReview: mine, peerReviews: peers, candidates: merged)
/// let kept = try ValidationParser.parse(validationAnswer).apply(to: merged)
/// ```
public struct ReasoningPrompts: Sendable {
  /// Extraction template for `drp` (open-ended).
  public let extract: PromptTemplate
  /// Extraction template for `dpl` (three base dimensions).
  public let extractDPL: PromptTemplate
  /// Validation template.
  public let validate: PromptTemplate
  /// Synthesis template.
  public let synthesize: PromptTemplate
  /// Token budget applied to every prompt.
  public var budget: PromptBudget
  /// The preset whose template versions these are.
  public let preset: PipelinePreset

  /// Loads the preset's versions of the templates from `directory` (nil or missing files →
  /// embedded copies; see `PromptTemplate.version(of:for:)`).
  /// - Throws: `ReasoningError.template` for a malformed template file.
  public init(directory: URL? = nil, budget: PromptBudget = PromptBudget(), preset: PipelinePreset = .drp) throws {
    func load(_ name: PromptTemplate.Name) throws -> PromptTemplate {
      try PromptTemplate.load(name, version: PromptTemplate.version(of: name, for: preset), from: directory)
    }
    extract = try load(.extractDifferences)
    extractDPL = try load(.extractDPL)
    validate = try load(.validateDifferences)
    synthesize = try load(.synthesizeProfile)
    self.budget = budget
    self.preset = preset
  }

  /// The difference-discovery prompt for one key item: `dpl` uses the three-dimension template,
  /// every other mode the open-ended one. Peer reviews are in relevance order; the user's review is
  /// never dropped, peers are shortened or dropped to fit the budget.
  public func extraction(item: ItemInfo, userReview: ReviewSample, peerReviews: [ReviewSample], mode: PipelineMode)
    throws -> RenderedPrompt
  {
    let template = mode == .dpl ? extractDPL : extract
    return try comparison(template, item: item, userReview: userReview, peerReviews: peerReviews, extra: [:])
  }

  /// The reflective validation prompt: the same texts plus the candidate dimensions as JSON.
  public func validation(
    item: ItemInfo, userReview: ReviewSample, peerReviews: [ReviewSample], candidates: [DifferenceDimension]
  ) throws -> RenderedPrompt {
    try comparison(
      validate, item: item, userReview: userReview, peerReviews: peerReviews,
      extra: ["candidates": PromptText.escape(try Self.json(candidates))])
  }

  /// The validation prompt of the paper preset: the same texts plus the extraction's own answer.
  public func validation(item: ItemInfo, userReview: ReviewSample, peerReviews: [ReviewSample], differences: String)
    throws -> RenderedPrompt
  {
    try comparison(
      validate, item: item, userReview: userReview, peerReviews: peerReviews,
      extra: ["differences": PromptText.escape(differences)])
  }

  /// The summary prompt of the paper preset: every key item with its difference text, and the
  /// user's past reviews with their items (most relevant first; shortened or dropped to fit).
  public func summary(differences: [(item: ItemInfo, text: String)], history: [ReviewSample]) throws -> RenderedPrompt {
    let blocks = differences.map { entry in
      "<key_item>\n\(PromptText.item(entry.item))\n<differences>\n\(PromptText.escape(entry.text))\n</differences>\n</key_item>"
    }
    let fitted = try budget.fit(history) { reviews in
      try synthesize.render([
        "differences": blocks.joined(separator: "\n\n"), "history": PromptText.reviews(reviews),
        "item_count": String(differences.count),
      ])
    }
    return RenderedPrompt(messages: fitted.messages, templateID: synthesize.id, truncated: fitted.truncated)
  }

  /// The synthesis prompt over dimensions merged across `itemCount` key items.
  public func synthesis(dimensions: [DifferenceDimension], itemCount: Int) throws -> RenderedPrompt {
    var kept = dimensions
    var truncated = false
    while true {
      let messages = try synthesize.render([
        "dimensions": PromptText.escape(try Self.json(kept)), "item_count": String(itemCount),
      ])
      let tokens = messages.reduce(0) { $0 + PromptBudget.estimateTokens($1.content) }
      if tokens <= budget.maxTokens || kept.count <= 1 {
        return RenderedPrompt(messages: messages, templateID: synthesize.id, truncated: truncated)
      }
      kept.removeLast()  // least supported first (input is ranked by support)
      truncated = true
    }
  }

  private func comparison(
    _ template: PromptTemplate, item: ItemInfo, userReview: ReviewSample, peerReviews: [ReviewSample],
    extra: [String: String]
  ) throws -> RenderedPrompt {
    var shownItem = item
    shownItem.description = PromptBudget.truncate(item.description, toCharacters: budget.maxTokens)
    let fitted = try budget.fit([userReview] + peerReviews, pinned: 1) { reviews in
      var values = extra
      values["item"] = PromptText.item(shownItem)
      values["user_review"] = PromptText.review(reviews[0], element: "user_review")
      values["peer_reviews"] = PromptText.reviews(Array(reviews.dropFirst()))
      return try template.render(values)
    }
    return RenderedPrompt(
      messages: fitted.messages, templateID: template.id,
      truncated: fitted.truncated || shownItem.description != item.description)
  }

  /// Dimensions as sorted-key JSON (name, definition, description, evidence, support).
  static func json(_ dimensions: [DifferenceDimension]) throws -> String {
    String(
      decoding: try DifferenceProfile.sortedJSON(dimensions.map(DifferenceProfile.CompactDimension.init), true),
      as: UTF8.self)
  }
}

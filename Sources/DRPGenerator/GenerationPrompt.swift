import DRPCore
import DRPReasoning
import Foundation

/// Builds the chat messages for LLM review generation — one code path for every mode, so the
/// ablations differ only in which sections are filled:
///
/// | mode   | item | past reviews | profile | rating / title (when given) |
/// |--------|------|--------------|---------|-----------------------------|
/// | `nonp` | yes  | —            | —       | yes                         |
/// | `rag`  | yes  | yes          | —       | yes                         |
/// | `dpl`  | yes  | yes          | yes     | yes                         |
/// | `drp`  | yes  | yes          | yes     | yes                         |
///
/// Past reviews are taken in the caller's relevance order and shortened or dropped (least relevant
/// first) to fit the budget. Clean the model's answer with `ReviewTextCleaner.clean`.
public struct GenerationPrompt: Sendable {
  /// The `generate_review` template.
  public let template: PromptTemplate
  /// Token budget for the whole prompt.
  public var budget: PromptBudget
  /// The preset whose template version this is: `drp` shows the profile's dimensions and summary,
  /// `paper` the summary only, and past reviews with their items' titles and descriptions.
  public let preset: PipelinePreset

  /// Loads the preset's version of the template from `directory` (nil or missing → embedded copy).
  /// - Throws: `ReasoningError.template` for a malformed template file.
  public init(directory: URL? = nil, budget: PromptBudget = PromptBudget(), preset: PipelinePreset = .drp) throws {
    template = try PromptTemplate.load(
      .generateReview, version: PromptTemplate.version(of: .generateReview, for: preset), from: directory)
    self.budget = budget
    self.preset = preset
  }

  /// Builds the generation prompt.
  /// - Parameters:
  ///   - item: the target item.
  ///   - history: the user's most relevant past reviews, most relevant first (ignored for `nonp`).
  ///   - profile: the difference profile (used for `dpl`/`drp` only).
  ///   - rating: optional target rating to write for.
  ///   - title: optional target review title.
  ///   - mode: the pipeline mode.
  public func build(
    item: ItemInfo, history: [ReviewSample], profile: DifferenceProfile?, rating: Double?, title: String?,
    mode: PipelineMode
  ) throws -> RenderedPrompt {
    var shownItem = item
    shownItem.description = PromptBudget.truncate(item.description, toCharacters: budget.maxTokens)
    let profileText =
      mode.usesProfile
      ? profile.map { PromptText.escape(preset == .paper ? $0.summary : $0.promptText()) } ?? "" : ""
    var fixed: [String: String] = [
      "item": PromptText.item(shownItem),
      "profile": profileText,
      "rating": rating.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "",
      "title": title.map { PromptText.escape($0) } ?? "",
    ]
    let fitted = try budget.fit(mode.usesHistory ? history : []) { reviews in
      fixed["history"] = reviews.isEmpty ? "" : PromptText.reviews(reviews)
      return try template.render(fixed)
    }
    return RenderedPrompt(
      messages: fitted.messages, templateID: template.id,
      truncated: fitted.truncated || shownItem.description != item.description)
  }
}

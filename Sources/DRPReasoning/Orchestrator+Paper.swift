import DRPCore
import Foundation

extension Orchestrator {
  /// The `paper` preset's profile, as the released DRP pipeline builds it:
  ///
  /// 1. for every key sample (concurrently) one discovery call with the v2 template (the three base
  ///    dimensions, then any further ones, as `--- [Name] ---` blocks); its answer is passed on as
  ///    written, whether or not it parses (reasoning before `</think>` removed; an unclosed or empty
  ///    answer is a failed attempt and retried, where the released code would pass it on);
  /// 2. in mode `drp` with validation `use` or `record`, a validation call on that answer: `use`
  ///    passes the validated text on, `record` keeps it beside the profile and passes the
  ///    discovery text on (what the released code does); mode `dpl` never validates;
  /// 3. one summary call by the summarizer model (the generation model unless configured), over
  ///    every key item's title, description and difference text plus the user's past reviews with
  ///    their items; `[Summary]:` is removed from the answer.
  /// The profile's dimensions are the difference texts parsed for display; generation uses the
  /// summary only. When the summary call fails, the deterministic summary of those dimensions
  /// stands in (the failure is recorded).
  func paperProfile(
    userID: String, keySamples: [KeySample], options: PipelineOptions, history: [ReviewSample], target: String?,
    created: Int64, progress: (@Sendable (String) -> Void)?
  ) async throws -> ProfileResult {
    let caller = LLMCaller(model: model, cache: cache)
    let summaryCaller = summarizer.map { LLMCaller(model: $0, cache: cache) } ?? caller
    let mode = options.mode
    let answer: @Sendable (String) throws -> String = { try ModelOutput.answer($0) }
    let outcomes = try await withThrowingTaskGroup(of: (Int, KeyItemDifference?, Set<String>).self) { group in
      for (index, sample) in keySamples.enumerated() {
        group.addTask {
          progress?("\(mode) key sample \(index + 1)/\(keySamples.count): item \(sample.item.id)")
          let extraction = try prompts.extraction(
            item: sample.item, userReview: sample.userReview, peerReviews: sample.peerReviews, mode: mode)
          var templates: Set<String> = [extraction.templateID]
          let call = reasoningCall("extract", extraction, nil, item: sample.item.id, sample: 0, options)
          guard let found = try await caller.run(call, parse: answer) else { return (index, nil, templates) }
          var difference = KeyItemDifference(itemID: sample.item.id, text: found)
          if mode.validates && options.validation.runs {
            let validation = try prompts.validation(
              item: sample.item, userReview: sample.userReview, peerReviews: sample.peerReviews, differences: found)
            templates.insert(validation.templateID)
            let check = reasoningCall("validate", validation, nil, item: sample.item.id, sample: 0, options)
            difference.validated = try await caller.run(check, parse: answer)
            if options.validation == .use, let validated = difference.validated { difference.text = validated }
          }
          return (index, difference, templates)
        }
      }
      var slots = [(KeyItemDifference?, Set<String>)](repeating: (nil, []), count: keySamples.count)
      for try await (index, difference, templates) in group { slots[index] = (difference, templates) }
      return slots
    }
    var templates = outcomes.reduce(into: Set<String>()) { $0.formUnion($1.1) }
    let differences = outcomes.compactMap(\.0)
    let items = Dictionary(keySamples.map { ($0.item.id, $0.item) }, uniquingKeysWith: { first, _ in first })
    let dimensions = DimensionMerger().mergeItems(
      differences.map { (itemID: $0.itemID, dimensions: DimensionParser.parseText($0.text)) })
    var summary = Self.summary(dimensions, itemCount: differences.count)
    if !differences.isEmpty {
      progress?("\(mode) summary over \(differences.count) key items")
      let prompt = try prompts.summary(
        differences: differences.compactMap { d in items[d.itemID].map { (item: $0, text: d.text) } },
        history: history)
      templates.insert(prompt.templateID)
      let call = reasoningCall("synthesize", prompt, nil, item: nil, sample: 0, options, maxTokens: options.maxTokens)
      if let written = try await summaryCaller.run(call, parse: Self.parseLabelledSummary) { summary = written }
    }
    return result(
      userID: userID, mode: mode, dimensions: dimensions, summary: summary, differences: differences, target: target,
      keySamples: keySamples, templates: templates, created: created, callers: (caller, summaryCaller))
  }

  /// The summary in a `[Summary]: …` answer (the label removed when present); empty is rejected.
  static func parseLabelledSummary(_ output: String) throws -> String {
    var text = try ModelOutput.answer(output)
    let label = "[Summary]:"
    if text.hasPrefix(label) { text = String(text.dropFirst(label.count)).trimmingWhitespace() }
    if text.isEmpty { throw ReasoningError.emptyAnswer }
    return text
  }
}

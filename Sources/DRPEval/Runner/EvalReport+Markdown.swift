// The human-readable form of an evaluation report.
import DRPMetrics
import Foundation

extension EvalReport {
  /// A Markdown table, one row per mode: ROUGE-1, ROUGE-L, METEOR (0–1) and BLEU (0–100), each
  /// `value [lower, upper]` with its 95% bootstrap interval, then LLM calls (in all and per target),
  /// answers cut at `max_tokens`, tokens and wall time;
  /// followed by a line on the population and the METEOR synonym stage.
  public func markdownTable() -> String {
    var lines = [
      "| mode | n | ROUGE-1 | ROUGE-L | METEOR | BLEU | LLM calls | calls/target | cut | tokens | wall s |",
      "| --- | ---: | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in modes {
      let cells = [
        row.mode.rawValue, "\(row.samples)", Self.cell(row.rouge1, digits: 4), Self.cell(row.rougeL, digits: 4),
        Self.cell(row.meteor, digits: 4), Self.cell(row.bleu, digits: 2), "\(row.llmCalls)",
        Self.fixed(row.llmCallsPerTarget, digits: 1), "\(row.truncated)", "\(row.tokens)",
        Self.fixed(row.wallSeconds, digits: 1),
      ]
      lines.append("| " + cells.joined(separator: " | ") + " |")
    }
    let scope = settings.category.map { " in category \($0)" } ?? ""
    let population =
      settings.targets == "last"
      ? "\(settings.evaluatedUsers) of \(settings.eligibleUsers) eligible users (>= \(settings.minReviews) reviews"
        + "\(scope))"
      : "\(settings.evaluatedUsers) of \(settings.eligibleUsers) \(settings.targets) targets"
    let rouge = metrics.rougeAggregation == .mean ? "mean" : "bootstrap median"
    lines.append("")
    lines.append(
      "\(population), seed \(settings.seed), \(settings.hiddenReviews) held-out reviews hidden from every "
        + "generation; 95% percentile bootstrap over \(bootstrapResamples) resamples; ROUGE: \(rouge) of per-pair F1; "
        + "METEOR tokeniser: \(metrics.meteorTokenizer.rawValue), synonym stage (WordNet): "
        + "\(meteorSynonymStage ? "on" : "off"); "
        + "\(newSamples) samples generated, \(reusedSamples) reused, \(Self.fixed(elapsedSeconds, digits: 1)) s.")
    if let pipeline = settings.pipeline {
      lines.append(
        "Generation: temperature \(pipeline.temperature)"
          + (pipeline.topP.map { ", top_p \($0)" } ?? "") + (pipeline.seed.map { ", seed \($0)" } ?? "")
          + ", max_tokens \(pipeline.maxTokens); extractor \(pipeline.extractorModel), summariser "
          + "\(pipeline.summarizerModel), generator \(pipeline.generatorModel); validation \(pipeline.validation)"
          + (pipeline.preset.map { "; preset \($0)" } ?? "") + ".")
    }
    return lines.joined(separator: "\n")
  }

  /// `value [lower, upper]` with `digits` decimals.
  static func cell(_ interval: Bootstrap.Interval, digits: Int) -> String {
    "\(fixed(interval.estimate, digits: digits)) [\(fixed(interval.lower, digits: digits)), "
      + "\(fixed(interval.upper, digits: digits))]"
  }

  /// `value` with exactly `digits` decimals.
  static func fixed(_ value: Double, digits: Int) -> String { String(format: "%.\(digits)f", value) }
}

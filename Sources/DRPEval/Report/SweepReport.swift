// An inference-scaling sweep: the evaluation repeated for each value of one knob, quality against cost.
import DRPMetrics
import DRPReasoning
import Foundation

/// The evaluation at one value of the swept knob.
public struct SweepPoint: Sendable, Codable, Equatable {
  /// The knob's value.
  public var value: String
  /// The evaluation with that value (every sample included).
  public var report: EvalReport

  /// Creates a point.
  public init(value: String, report: EvalReport) {
    self.value = value
    self.report = report
  }
}

/// What `drp eval --sweep KNOB=V1,V2,...` measured: each value's report, read as quality against the
/// reasoning calls and tokens its samples spent (recorded when each sample was generated; a sample
/// whose replies came from the LLM cache spent nothing on them).
public struct SweepReport: Sendable, Codable, Equatable {
  /// The swept knob (flag name).
  public var knob: String
  /// One evaluation per value, in the order given.
  public var points: [SweepPoint]

  /// Creates a report.
  public init(knob: String, points: [SweepPoint]) {
    self.knob = knob
    self.points = points
  }

  /// Mean reasoning tokens per sample of `row`.
  static func tokensPerSample(_ row: ModeResult) -> Double {
    row.samples == 0 ? 0 : Double(row.reasoningTokens) / Double(row.samples)
  }

  /// A Markdown table: per value and mode, the four metrics with 95% intervals and the reasoning calls
  /// and tokens per sample.
  public func markdownTable() -> String {
    var lines = [
      "| \(knob) | mode | n | ROUGE-1 | ROUGE-L | METEOR | BLEU | reasoning calls/sample | reasoning tokens/sample |",
      "| --- | --- | ---: | --- | --- | --- | --- | ---: | ---: |",
    ]
    for point in points {
      for row in point.report.modes {
        let calls = row.samples == 0 ? 0 : Double(row.reasoningCalls) / Double(row.samples)
        let cells = [
          point.value, row.mode.rawValue, "\(row.samples)", EvalReport.cell(row.rouge1, digits: 4),
          EvalReport.cell(row.rougeL, digits: 4), EvalReport.cell(row.meteor, digits: 4),
          EvalReport.cell(row.bleu, digits: 2), EvalReport.fixed(calls, digits: 2),
          EvalReport.fixed(Self.tokensPerSample(row), digits: 1),
        ]
        lines.append("| " + cells.joined(separator: " | ") + " |")
      }
    }
    let generated = points.reduce(0) { $0 + $1.report.newSamples }
    let reused = points.reduce(0) { $0 + $1.report.reusedSamples }
    if let first = points.first {
      lines.append("")
      lines.append(
        "\(first.report.settings.evaluatedUsers) users, seed \(first.report.settings.seed); "
          + "\(generated) samples generated, \(reused) reused; costs are those recorded when each sample was "
          + "generated (replies served from the LLM cache cost nothing).")
    }
    return lines.joined(separator: "\n")
  }

  /// Quality against cost as a self-contained SVG: a panel per metric, x = mean reasoning tokens per
  /// sample, one line per mode through the knob's values (each point labelled with its value, with its
  /// 95% interval).
  public func svg() -> String {
    let modes = points.first?.report.modes.map(\.mode) ?? []
    let metrics: [(String, KeyPath<ModeResult, Bootstrap.Interval>)] = [
      ("ROUGE-1 F1", \.rouge1), ("ROUGE-L F1", \.rougeL), ("METEOR", \.meteor), ("BLEU (0-100)", \.bleu),
    ]
    let panels = metrics.map { title, path in
      SVGChart.Panel(
        title: title, xLabel: "reasoning tokens per sample", categories: nil,
        series: modes.map { mode in
          SVGChart.Series(
            name: mode.rawValue,
            points: points.compactMap { point in
              guard let row = point.report.modes.first(where: { $0.mode == mode }) else { return nil }
              let interval = row[keyPath: path]
              return SVGChart.Point(
                x: Self.tokensPerSample(row), y: interval.estimate, lower: interval.lower, upper: interval.upper,
                label: point.value)
            }, connected: true)
        })
    }
    let users = points.first.map { "\($0.report.settings.evaluatedUsers) users, " } ?? ""
    return SVGChart(
      title: "drp eval --sweep \(knob)",
      caption: "\(users)quality against reasoning tokens; points labelled with \(knob); 95% bootstrap intervals",
      panels: panels
    ).render()
  }

  /// The report as one JSON document (sorted keys).
  /// - Throws: encoding errors.
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}

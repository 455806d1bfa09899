// The evaluation report drawn: each metric, each mode, 95% intervals.
import DRPMetrics
import DRPReasoning

extension EvalReport {
  /// The metric panels of `modes`: one per metric, modes along the x axis.
  static func panels(_ modes: [ModeResult]) -> [SVGChart.Panel] {
    let metrics: [(String, KeyPath<ModeResult, Bootstrap.Interval>)] = [
      ("ROUGE-1 F1", \.rouge1), ("ROUGE-L F1", \.rougeL), ("METEOR", \.meteor), ("BLEU (0-100)", \.bleu),
    ]
    return metrics.map { title, path in
      SVGChart.Panel(
        title: title, xLabel: "mode", categories: modes.map(\.mode.rawValue),
        series: modes.enumerated().map { index, row in
          let interval = row[keyPath: path]
          return SVGChart.Series(
            name: row.mode.rawValue,
            points: [
              SVGChart.Point(
                x: Double(index), y: interval.estimate, lower: interval.lower, upper: interval.upper, label: nil)
            ], connected: false)
        })
    }
  }

  /// The report as a self-contained SVG document: a panel per metric (ROUGE-1, ROUGE-L, METEOR, BLEU),
  /// each mode's score with its 95% bootstrap interval, and a caption with the population and settings.
  public func svg() -> String {
    let population =
      settings.targets == "last"
      ? "\(settings.evaluatedUsers) of \(settings.eligibleUsers) eligible users"
        + (settings.category.map { " (category \($0))" } ?? "")
      : "\(settings.evaluatedUsers) \(settings.targets) targets"
    let models = settings.pipeline.map { "; generator \($0.generatorModel), extractor \($0.extractorModel)" } ?? ""
    let caption =
      "\(population), seed \(settings.seed); 95% bootstrap intervals (\(bootstrapResamples) resamples); "
      + "METEOR \(metrics.meteorTokenizer.rawValue), ROUGE \(metrics.rougeAggregation.rawValue)\(models); \(created)"
    return SVGChart(title: "drp eval", caption: caption, panels: Self.panels(modes)).render()
  }
}

// Scores a set of (prediction, reference) pairs with every metric.

/// Runs ROUGE, METEOR and BLEU over paired predictions and references.
public enum MetricSuite {
  /// The corpus report for `pairs` (empty input gives zeros).
  public static func evaluate(pairs: [(prediction: String, reference: String)]) -> MetricReport {
    let rouge = pairs.map { ROUGE.scores(prediction: $0.prediction, reference: $0.reference) }
    let meteor = pairs.map { METEOR.score(prediction: $0.prediction, reference: $0.reference) }
    let statistics = pairs.map { BLEU.statistics(prediction: $0.prediction, reference: $0.reference) }
    let rouge1 = rouge.map(\.rouge1), rougeL = rouge.map(\.rougeL)
    return MetricReport(
      count: pairs.count, rouge1: Bootstrap.mean(rouge1), rougeL: Bootstrap.mean(rougeL),
      meteor: Bootstrap.mean(meteor), bleu: BLEU.score(statistics.reduce(BLEU.Statistics(), +)),
      rouge1PerPair: rouge1, rougeLPerPair: rougeL, meteorPerPair: meteor, bleuStatistics: statistics)
  }
}

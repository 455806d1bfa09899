// Scores a set of (prediction, reference) pairs with every metric.

/// Runs ROUGE, METEOR and BLEU over paired predictions and references.
public enum MetricSuite {
  /// The corpus report for `pairs` (empty input gives zeros).
  public static func evaluate(pairs: [(prediction: String, reference: String)]) -> MetricReport {
    let rouge = pairs.map { ROUGE.scores(prediction: $0.prediction, reference: $0.reference) }
    // Review vocabulary repeats heavily: stem each distinct word once.
    // Keys compare code point by code point (`PythonText.key`), so "é" and "e\u{301}" stay distinct.
    var stems: [[UInt8]: String] = [:]
    let stem = { (word: String) -> String in
      let key = PythonText.key(word)
      if let known = stems[key] { return known }
      let computed = PorterStemmer.stem(word)
      stems[key] = computed
      return computed
    }
    let meteor = pairs.map {
      METEOR.score(
        predictionTokens: PythonText.split($0.prediction), referenceTokens: PythonText.split($0.reference), stem: stem)
    }
    let statistics = pairs.map { BLEU.statistics(prediction: $0.prediction, reference: $0.reference) }
    let rouge1 = rouge.map(\.rouge1), rougeL = rouge.map(\.rougeL)
    return MetricReport(
      count: pairs.count, rouge1: Bootstrap.mean(rouge1), rougeL: Bootstrap.mean(rougeL),
      meteor: Bootstrap.mean(meteor), bleu: BLEU.score(statistics.reduce(BLEU.Statistics(), +)),
      rouge1PerPair: rouge1, rougeLPerPair: rougeL, meteorPerPair: meteor, bleuStatistics: statistics)
  }
}

// ROUGE-1 and ROUGE-L (sentence-level LCS) as Google's rouge-score computes them with `use_stemmer=False`.

/// ROUGE-1 and ROUGE-L between one prediction and one reference, matching `rouge_score.rouge_scorer.RougeScorer(
/// ["rouge1", "rougeL"], use_stemmer=False)`. A corpus score is the mean of the per-pair F1 values.
enum ROUGE {
  /// Precision, recall and F1 of one ROUGE variant.
  struct Score: Sendable, Equatable, Codable {
    /// Matched units over prediction units.
    var precision: Double
    /// Matched units over reference units.
    var recall: Double
    /// Harmonic mean of precision and recall (0 when both are 0).
    var f1: Double

    /// rouge-score's `Score(precision, recall, fmeasure)`.
    init(precision: Double, recall: Double) {
      self.precision = precision
      self.recall = recall
      f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
    }
  }

  /// ROUGE-1 and ROUGE-L F1 of `prediction` against `reference`.
  static func scores(prediction: String, reference: String) -> (rouge1: Double, rougeL: Double) {
    let detailed = detailedScores(prediction: prediction, reference: reference)
    return (detailed.rouge1.f1, detailed.rougeL.f1)
  }

  /// ROUGE-1 and ROUGE-L precision, recall and F1 of `prediction` against `reference`.
  static func detailedScores(prediction: String, reference: String) -> (rouge1: Score, rougeL: Score) {
    let predicted = ROUGETokenizer.tokens(prediction)
    let target = ROUGETokenizer.tokens(reference)
    return (
      unigram(target: target, prediction: predicted), longestCommonSubsequence(target: target, prediction: predicted)
    )
  }

  /// ROUGE-1: clipped unigram overlap (`_score_ngrams`).
  static func unigram(target: [String], prediction: [String]) -> Score {
    var predictionCounts: [String: Int] = [:]
    for token in prediction { predictionCounts[token, default: 0] += 1 }
    var targetCounts: [String: Int] = [:]
    for token in target { targetCounts[token, default: 0] += 1 }
    let overlap = targetCounts.reduce(0) { $0 + min($1.value, predictionCounts[$1.key] ?? 0) }
    return Score(
      precision: Double(overlap) / Double(max(prediction.count, 1)),
      recall: Double(overlap) / Double(max(target.count, 1)))
  }

  /// ROUGE-L: longest common subsequence of the token sequences (`_score_lcs`).
  static func longestCommonSubsequence(target: [String], prediction: [String]) -> Score {
    guard !target.isEmpty, !prediction.isEmpty else { return Score(precision: 0, recall: 0) }
    let length = lcsLength(target, prediction)
    return Score(precision: Double(length) / Double(prediction.count), recall: Double(length) / Double(target.count))
  }

  /// Length of the longest common subsequence of `a` and `b` (two-row dynamic programme).
  static func lcsLength(_ a: [String], _ b: [String]) -> Int {
    var previous = [Int](repeating: 0, count: b.count + 1)
    var current = previous
    for x in a {
      for (j, y) in b.enumerated() {
        current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}

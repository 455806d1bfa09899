// Corpus and sentence BLEU as sacreBLEU computes them (13a tokenizer, exponential smoothing).
import Foundation

/// BLEU on the 0–100 scale, matching sacreBLEU 2.x `corpus_bleu(predictions, [references])` and
/// `sentence_bleu` with their defaults: 13a tokenisation, case-sensitive, 4-gram, `smooth_method="exp"`,
/// brevity penalty exp(1 − r/c), one reference per prediction.
enum BLEU {
  /// The largest n-gram order.
  static let maxOrder = 4

  /// sacreBLEU's sufficient statistics for one or more segments; they add up over a corpus.
  struct Statistics: Sendable, Equatable, Codable {
    /// Tokens in the prediction(s).
    var predictionLength = 0
    /// Tokens in the reference(s).
    var referenceLength = 0
    /// Clipped matching n-grams, index 0 for unigrams.
    var correct = [Int](repeating: 0, count: BLEU.maxOrder)
    /// Prediction n-grams, index 0 for unigrams.
    var total = [Int](repeating: 0, count: BLEU.maxOrder)

    /// Empty statistics (the identity of `+`).
    init() {}

    /// The statistics of several segments together.
    static func + (lhs: Statistics, rhs: Statistics) -> Statistics {
      var sum = lhs
      sum.predictionLength += rhs.predictionLength
      sum.referenceLength += rhs.referenceLength
      for n in 0..<BLEU.maxOrder {
        sum.correct[n] += rhs.correct[n]
        sum.total[n] += rhs.total[n]
      }
      return sum
    }
  }

  /// Corpus BLEU (0–100) of aligned predictions and references.
  /// - Throws: `MetricsError.countMismatch` when the two arrays differ in length.
  static func corpus(predictions: [String], references: [String]) throws -> Double {
    guard predictions.count == references.count else {
      throw MetricsError.countMismatch(predictions: predictions.count, references: references.count)
    }
    let all = zip(predictions, references).reduce(Statistics()) {
      $0 + statistics(prediction: $1.0, reference: $1.1)
    }
    return score(all)
  }

  /// Sentence BLEU (0–100) as sacreBLEU's `sentence_bleu` (exp smoothing, effective order).
  static func sentence(prediction: String, reference: String) -> Double {
    score(statistics(prediction: prediction, reference: reference), effectiveOrder: true)
  }

  /// The sufficient statistics of one prediction against its reference.
  static func statistics(prediction: String, reference: String) -> Statistics {
    let hypothesis = BLEUTokenizer13a.tokens(prediction).map(PythonText.key)
    let target = BLEUTokenizer13a.tokens(reference).map(PythonText.key)
    let referenceCounts = ngramCounts(target)
    var stats = Statistics()
    stats.predictionLength = hypothesis.count
    stats.referenceLength = target.count
    for (ngram, count) in ngramCounts(hypothesis) {
      stats.total[ngram.count - 1] += count
      if let inReference = referenceCounts[ngram] { stats.correct[ngram.count - 1] += min(count, inReference) }
    }
    return stats
  }

  /// BLEU (0–100) from statistics: sacreBLEU's `compute_bleu` with `smooth_method="exp"`.
  static func score(_ stats: Statistics, effectiveOrder: Bool = false) -> Double {
    var brevityPenalty = 1.0
    if stats.predictionLength < stats.referenceLength {
      brevityPenalty =
        stats.predictionLength > 0
        ? exp(1 - Double(stats.referenceLength) / Double(stats.predictionLength)) : 0
    }
    guard stats.correct.contains(where: { $0 != 0 }) else { return 0 }
    var precisions = [Double](repeating: 0, count: maxOrder)
    var smoothing = 1.0
    var order = maxOrder
    for n in 0..<maxOrder {
      if stats.total[n] == 0 { break }
      if effectiveOrder { order = n + 1 }
      if stats.correct[n] == 0 {
        smoothing *= 2
        precisions[n] = 100 / (smoothing * Double(stats.total[n]))
      } else {
        precisions[n] = 100 * Double(stats.correct[n]) / Double(stats.total[n])
      }
    }
    // sacreBLEU's `my_log` floors log(0) at -9999999999.
    let logSum = precisions.prefix(order).reduce(0.0) { $0 + ($1 == 0 ? -9_999_999_999 : log($1)) }
    return brevityPenalty * exp(logSum / Double(order))
  }

  /// Counts of every n-gram of order 1…4 (tokens as code-point keys).
  private static func ngramCounts(_ tokens: [[UInt8]]) -> [ArraySlice<[UInt8]>: Int] {
    var counts: [ArraySlice<[UInt8]>: Int] = [:]
    for n in 1...maxOrder where tokens.count >= n {
      for start in 0...(tokens.count - n) { counts[tokens[start..<(start + n)], default: 0] += 1 }
    }
    return counts
  }
}

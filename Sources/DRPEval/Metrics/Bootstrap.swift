import DRPCore

// Seeded percentile-bootstrap confidence intervals for evaluation scores.

/// Percentile bootstrap intervals: resample the pairs with replacement, recompute the statistic, take the
/// (1 − confidence)/2 and (1 + confidence)/2 quantiles. Seeded, so the same inputs give the same interval.
public enum Bootstrap {
  /// A point estimate with its bootstrap interval.
  public struct Interval: Sendable, Equatable, Codable {
    /// The statistic on the full sample.
    public var estimate: Double
    /// Lower bound of the interval.
    public var lower: Double
    /// Upper bound of the interval.
    public var upper: Double
  }

  /// The interval of `statistic` over `items` (for example corpus BLEU over per-pair `BLEU.Statistics`).
  /// - Throws: `MetricsError.emptySample` for no items, `.invalidBootstrap` for bad parameters.
  public static func interval<Item>(
    _ items: [Item], resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0,
    statistic: ([Item]) -> Double
  ) throws -> Interval {
    guard !items.isEmpty else { throw MetricsError.emptySample }
    guard resamples >= 1, confidence > 0, confidence < 1 else {
      throw MetricsError.invalidBootstrap(resamples: resamples, confidence: confidence)
    }
    var generator = SplitMix64(seed: seed)
    var values: [Double] = []
    values.reserveCapacity(resamples)
    var sample: [Item] = []
    sample.reserveCapacity(items.count)
    for _ in 0..<resamples {
      sample.removeAll(keepingCapacity: true)
      for _ in 0..<items.count { sample.append(items[Int(generator.next() % UInt64(items.count))]) }
      values.append(statistic(sample))
    }
    values.sort()
    let tail = (1 - confidence) / 2
    let lowerIndex = min(max(Int((tail * Double(resamples)).rounded(.down)), 0), resamples - 1)
    let upperIndex = min(max(Int(((1 - tail) * Double(resamples)).rounded(.up)) - 1, 0), resamples - 1)
    return Interval(estimate: statistic(items), lower: values[lowerIndex], upper: values[upperIndex])
  }

  /// The interval of the mean of per-pair scores (ROUGE F1, METEOR).
  public static func meanInterval(
    _ scores: [Double], resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0
  ) throws -> Interval {
    try interval(scores, resamples: resamples, confidence: confidence, seed: seed) { mean($0) }
  }

  /// The interval of corpus BLEU over per-pair statistics.
  public static func bleuInterval(
    _ statistics: [BLEU.Statistics], resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0
  ) throws -> Interval {
    try interval(statistics, resamples: resamples, confidence: confidence, seed: seed) {
      BLEU.score($0.reduce(BLEU.Statistics(), +))
    }
  }

  /// The arithmetic mean (0 for no values).
  static func mean(_ values: [Double]) -> Double {
    values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
  }
}

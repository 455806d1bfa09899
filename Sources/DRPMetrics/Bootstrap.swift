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
  static func interval<Item>(
    _ items: [Item], resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0,
    statistic: ([Item]) -> Double
  ) throws -> Interval {
    let values = try resampled(items, resamples: resamples, confidence: confidence, seed: seed, statistic: statistic)
    let tail = (1 - confidence) / 2
    let lowerIndex = min(max(Int((tail * Double(resamples)).rounded(.down)), 0), resamples - 1)
    let upperIndex = min(max(Int(((1 - tail) * Double(resamples)).rounded(.up)) - 1, 0), resamples - 1)
    return Interval(estimate: statistic(items), lower: values[lowerIndex], upper: values[upperIndex])
  }

  /// rouge-score's `BootstrapAggregator` over per-pair scores: the bootstrap means' median (`mid`) as the
  /// estimate and their (1 − confidence)/2 and (1 + confidence)/2 percentiles as the interval, each
  /// interpolated linearly as `numpy.percentile` does. rouge-score draws the resamples from NumPy's
  /// unseeded global generator; here they come from the same seeded stream as every other interval.
  /// - Throws: `MetricsError.emptySample` for no scores, `.invalidBootstrap` for bad parameters.
  static func midInterval(
    _ scores: [Double], resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0
  ) throws -> Interval {
    let values = try resampled(scores, resamples: resamples, confidence: confidence, seed: seed) { mean($0) }
    let tail = (1 - confidence) / 2
    return Interval(
      estimate: percentile(values, 0.5), lower: percentile(values, tail), upper: percentile(values, 1 - tail))
  }

  /// `statistic` of `resamples` seeded resamples (with replacement) of `items`, sorted.
  private static func resampled<Item>(
    _ items: [Item], resamples: Int, confidence: Double, seed: UInt64, statistic: ([Item]) -> Double
  ) throws -> [Double] {
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
    return values.sorted()
  }

  /// The `q`-quantile (0...1) of ascending `sorted` values, as `numpy.percentile(…, 100 q)` with its default
  /// linear method: position q·(n − 1), and NumPy's two-sided lerp (from the upper value when the
  /// fraction is at least 0.5).
  static func percentile(_ sorted: [Double], _ q: Double) -> Double {
    let position = q * Double(sorted.count - 1)
    let below = min(max(Int(position.rounded(.down)), 0), sorted.count - 1)
    let above = min(below + 1, sorted.count - 1)
    let fraction = position - Double(below)
    let (a, b) = (sorted[below], sorted[above])
    return fraction >= 0.5 ? b - (b - a) * (1 - fraction) : a + (b - a) * fraction
  }

  /// The interval of the mean of per-pair scores (ROUGE F1, METEOR).
  static func meanInterval(
    _ scores: [Double], resamples: Int = 1000, confidence: Double = 0.95, seed: UInt64 = 0
  ) throws -> Interval {
    try interval(scores, resamples: resamples, confidence: confidence, seed: seed) { mean($0) }
  }

  /// The interval of corpus BLEU over per-pair statistics.
  static func bleuInterval(
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

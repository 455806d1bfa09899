// A report's four scores with seeded bootstrap intervals.

/// ROUGE-1, ROUGE-L, METEOR and corpus BLEU of a `MetricReport`, each with its bootstrap interval.
public struct MetricIntervals: Sendable, Equatable {
  /// ROUGE-1 F1.
  public var rouge1: Bootstrap.Interval
  /// ROUGE-L F1.
  public var rougeL: Bootstrap.Interval
  /// METEOR.
  public var meteor: Bootstrap.Interval
  /// Corpus BLEU (0–100).
  public var bleu: Bootstrap.Interval
}

extension MetricReport {
  /// The report's scores with 95% percentile-bootstrap intervals over its pairs, drawn from
  /// `SplitMix64(seed)`: METEOR the mean of per-pair scores, BLEU corpus BLEU of the resampled pairs'
  /// statistics, ROUGE the mean of per-pair F1 or (`.bootstrapMid`) rouge-score's `BootstrapAggregator`.
  /// - Throws: `MetricsError.emptySample` when the report has no pairs, `.invalidBootstrap` for
  ///   `resamples` < 1.
  public func intervals(
    resamples: Int, seed: UInt64, rougeAggregation: MetricOptions.ROUGEAggregation
  ) throws -> MetricIntervals {
    let rouge: ([Double]) throws -> Bootstrap.Interval
    switch rougeAggregation {
    case .mean: rouge = { try Bootstrap.meanInterval($0, resamples: resamples, seed: seed) }
    case .bootstrapMid: rouge = { try Bootstrap.midInterval($0, resamples: resamples, seed: seed) }
    }
    return MetricIntervals(
      rouge1: try rouge(rouge1PerPair), rougeL: try rouge(rougeLPerPair),
      meteor: try Bootstrap.meanInterval(meteorPerPair, resamples: resamples, seed: seed),
      bleu: try Bootstrap.bleuInterval(bleuStatistics, resamples: resamples, seed: seed))
  }
}

// How the evaluation tokenises METEOR's input and aggregates ROUGE: the options that decide which
// reference pipeline the numbers are comparable with.

/// Scoring choices that change the numbers (not the generations): `drp eval --meteor-tokenizer` and
/// `--rouge-aggregation`. The defaults are drp's historical ones; `treebank` + `bootstrap-mid` are what
/// the DRP and DPL papers' evaluation scripts compute through Hugging Face `evaluate` (docs/METRICS.md).
public struct MetricOptions: Sendable, Codable, Equatable, Hashable {
  /// How METEOR splits its inputs into words.
  public enum METEORTokenizer: String, Sendable, Codable, CaseIterable {
    /// Python `str.split()` (whitespace).
    case whitespace
    /// NLTK `word_tokenize`'s Treebank word rules (``TreebankTokenizer``).
    case treebank
  }

  /// How per-pair ROUGE F1 scores become a corpus score.
  public enum ROUGEAggregation: String, Sendable, Codable, CaseIterable {
    /// The mean of per-pair F1 (interval: the percentile bootstrap of ``Bootstrap/meanInterval(_:resamples:confidence:seed:)``).
    case mean
    /// rouge-score's `BootstrapAggregator`: the median (`mid`) of 1,000 bootstrap means, with its 2.5 and
    /// 97.5 percentiles as the interval (NumPy's linear interpolation), seeded instead of NumPy's global state.
    case bootstrapMid = "bootstrap-mid"
  }

  /// METEOR's tokeniser.
  public var meteorTokenizer: METEORTokenizer
  /// ROUGE's aggregation.
  public var rougeAggregation: ROUGEAggregation

  /// Creates options (defaults: whitespace, mean).
  public init(meteorTokenizer: METEORTokenizer = .whitespace, rougeAggregation: ROUGEAggregation = .mean) {
    self.meteorTokenizer = meteorTokenizer
    self.rougeAggregation = rougeAggregation
  }
}

// Corpus-level scores of a set of (prediction, reference) pairs.

/// Corpus-level ROUGE-1, ROUGE-L, METEOR (means of per-pair scores) and corpus BLEU, with the per-pair
/// values kept for bootstrap intervals.
public struct MetricReport: Sendable, Equatable, Codable {
  /// Number of pairs scored.
  public var count: Int
  /// Mean ROUGE-1 F1 (0–1).
  public var rouge1: Double
  /// Mean ROUGE-L F1 (0–1).
  public var rougeL: Double
  /// Mean METEOR (0–1).
  public var meteor: Double
  /// Whether METEOR ran NLTK's WordNet synonym stage (false: exact and stem stages only, WordNet absent).
  public var meteorSynonymStage: Bool
  /// Corpus BLEU (0–100, sacreBLEU scale).
  public var bleu: Double
  /// Per-pair ROUGE-1 F1, in input order.
  var rouge1PerPair: [Double]
  /// Per-pair ROUGE-L F1, in input order.
  var rougeLPerPair: [Double]
  /// Per-pair METEOR, in input order.
  var meteorPerPair: [Double]
  /// Per-pair BLEU sufficient statistics, in input order (their sum gives `bleu`).
  var bleuStatistics: [BLEU.Statistics]
}

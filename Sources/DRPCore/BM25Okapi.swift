// BM25 exactly as the `rank_bm25` Python package's BM25Okapi computes it (the DRP authors' ranker).
import Foundation

/// Okapi BM25 with the IDF of the `rank_bm25` package's `BM25Okapi`, which the DRP paper's released
/// pipeline ranks key samples with (see `../shared/PAPER-PIPELINE.md`):
///
/// - `idf(q) = ln(N − n(q) + 0.5) − ln(n(q) + 0.5)` for every term of the collection, where `N` is the
///   number of documents and `n(q)` those holding `q`; a negative IDF (a term in more than half the
///   documents) is replaced by `epsilon × mean IDF` (the mean over every term, negative ones included);
/// - `score(D, Q) = Σ_{q ∈ Q} idf(q) · tf(q, D)·(k1 + 1) / (tf(q, D) + k1·(1 − b + b·|D| / avgdl))`,
///   every occurrence of a query term counting, terms absent from the collection adding 0.
///
/// Defaults k1 = 1.5, b = 0.75, epsilon = 0.25 are the package's. Unlike ``BM25`` (drp's own ranker,
/// Lucene's non-negative IDF), this one can score a frequent term below a rare one by far. Tokenise as
/// the paper does with ``whitespaceTokens(_:)``: split on white space, case and punctuation kept.
public struct BM25Okapi: Sendable {
  /// Term saturation parameter.
  public let k1: Double
  /// Length normalisation parameter.
  public let b: Double
  /// Floor factor for negative IDF values.
  public let epsilon: Double
  private let termFrequencies: [[String: Int]]
  private let lengths: [Double]
  private let averageLength: Double
  private let idfs: [String: Double]

  /// Indexes `documents` (each a list of tokens).
  public init(documents: [[String]], k1: Double = 1.5, b: Double = 0.75, epsilon: Double = 0.25) {
    self.k1 = k1
    self.b = b
    self.epsilon = epsilon
    var frequencies: [[String: Int]] = []
    var documentFrequencies: [String: Int] = [:]
    // Terms in order of first occurrence, as the package's dict iterates them: the mean IDF is
    // summed in that order, so the floor matches it to the last bit.
    var terms: [String] = []
    for document in documents {
      var counts: [String: Int] = [:]
      for token in document {
        if counts[token] == nil, documentFrequencies[token] == nil { terms.append(token) }
        counts[token, default: 0] += 1
        if counts[token] == 1 { documentFrequencies[token, default: 0] += 1 }
      }
      frequencies.append(counts)
    }
    termFrequencies = frequencies
    lengths = documents.map { Double($0.count) }
    averageLength = documents.isEmpty ? 0 : lengths.reduce(0, +) / Double(documents.count)
    let count = Double(documents.count)
    var idfs: [String: Double] = [:]
    var sum = 0.0
    var negative: [String] = []
    for term in terms {
      let n = documentFrequencies[term] ?? 0
      let idf = log(count - Double(n) + 0.5) - log(Double(n) + 0.5)
      idfs[term] = idf
      sum += idf
      if idf < 0 { negative.append(term) }
    }
    let floor = epsilon * (idfs.isEmpty ? 0 : sum / Double(idfs.count))
    for term in negative { idfs[term] = floor }
    self.idfs = idfs
  }

  /// The number of documents.
  public var count: Int { termFrequencies.count }

  /// The IDF of `term` (nil when no document holds it).
  public func idf(_ term: String) -> Double? { idfs[term] }

  /// The score of every document for `query`, in document order.
  public func scores(query: [String]) -> [Double] {
    var scores = [Double](repeating: 0, count: count)
    for term in query {
      guard let idf = idfs[term] else { continue }
      for (index, frequencies) in termFrequencies.enumerated() {
        let frequency = Double(frequencies[term] ?? 0)
        // Evaluated in the package's (numpy's) order, so scores equal its to the last bit.
        let norm = k1 * (1 - b + (averageLength > 0 ? b * lengths[index] / averageLength : 0))
        scores[index] += idf * (frequency * (k1 + 1) / (frequency + norm))
      }
    }
    return scores
  }

  /// `text` split on white space, as Python's `str.split()` does (case and punctuation kept).
  public static func whitespaceTokens(_ text: String) -> [String] {
    text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
  }
}

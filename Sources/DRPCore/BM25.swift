// Okapi BM25 relevance over a small in-memory document collection.
import Foundation

/// Okapi BM25 ranking of a small collection of tokenised documents.
///
/// `score(D, Q) = Σ_{q ∈ Q} idf(q) · tf(q, D)·(k1 + 1) / (tf(q, D) + k1·(1 − b + b·|D| / avgdl))`
/// with the non-negative IDF `idf(q) = ln(1 + (N − n(q) + 0.5) / (n(q) + 0.5))` (as in Lucene),
/// where `N` is the number of documents and `n(q)` the number holding `q`. Every occurrence of a
/// term in the query counts, so a repeated query term weighs more.
///
/// Used to rank a user's history items by relevance to a target item (key samples) and to find
/// a user's most relevant past reviews. Tokenise documents and queries the same way, e.g. with
/// ``TextTokenizer/words(_:)``.
public struct BM25: Sendable {
  /// Term saturation parameter.
  public let k1: Double
  /// Length normalisation parameter (0 = none, 1 = full).
  public let b: Double
  private let termFrequencies: [[String: Int]]
  private let lengths: [Double]
  private let averageLength: Double
  private let documentFrequencies: [String: Int]

  /// Indexes `documents` (each a list of tokens).
  /// - Parameters:
  ///   - documents: The collection; may be empty, documents may be empty.
  ///   - k1: Term saturation, default 1.2.
  ///   - b: Length normalisation, default 0.75.
  public init(documents: [[String]], k1: Double = 1.2, b: Double = 0.75) {
    self.k1 = k1
    self.b = b
    var frequencies: [[String: Int]] = []
    frequencies.reserveCapacity(documents.count)
    var documentFrequencies: [String: Int] = [:]
    for document in documents {
      var counts: [String: Int] = [:]
      for token in document { counts[token, default: 0] += 1 }
      for token in counts.keys { documentFrequencies[token, default: 0] += 1 }
      frequencies.append(counts)
    }
    self.termFrequencies = frequencies
    self.lengths = documents.map { Double($0.count) }
    let total = lengths.reduce(0, +)
    self.averageLength = documents.isEmpty ? 0 : total / Double(documents.count)
    self.documentFrequencies = documentFrequencies
  }

  /// The number of documents.
  public var count: Int { termFrequencies.count }

  /// The inverse document frequency of `term` (0 < idf; a term in no document gets the maximum).
  public func idf(_ term: String) -> Double {
    let n = Double(documentFrequencies[term] ?? 0)
    return log(1 + (Double(count) - n + 0.5) / (n + 0.5))
  }

  /// The BM25 score of every document for `query`, in document order.
  /// - Parameter query: Query tokens.
  /// - Returns: One score per document; 0 for documents sharing no term with the query.
  public func scores(query: [String]) -> [Double] {
    var scores = [Double](repeating: 0, count: count)
    for term in query {
      guard documentFrequencies[term] != nil else { continue }
      let weight = idf(term)
      for (index, frequencies) in termFrequencies.enumerated() {
        guard let tf = frequencies[term] else { continue }
        let frequency = Double(tf)
        let lengthRatio = averageLength > 0 ? lengths[index] / averageLength : 1
        let norm = k1 * (1 - b + b * lengthRatio)
        scores[index] += weight * frequency * (k1 + 1) / (frequency + norm)
      }
    }
    return scores
  }

  /// The `k` best documents for `query`, best first; ties go to the lower index.
  /// - Parameters:
  ///   - query: Query tokens.
  ///   - k: How many to return (at most the number of documents).
  /// - Returns: `(index, score)` pairs, including zero scores when fewer documents match.
  public func topK(query: [String], k: Int) -> [(index: Int, score: Double)] {
    let ranked = scores(query: query).enumerated().sorted { lhs, rhs in
      lhs.element != rhs.element ? lhs.element > rhs.element : lhs.offset < rhs.offset
    }
    return ranked.prefix(max(0, k)).map { (index: $0.offset, score: $0.element) }
  }
}

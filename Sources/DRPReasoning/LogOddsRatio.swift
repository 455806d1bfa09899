import Foundation

/// Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
/// "Fightin' Words", eq. 22 and 24), used to find the words that distinguish one corpus from another.
///
/// For word w with counts y_a (target, total n_a), y_b (reference, total n_b) and prior counts
/// α_w (total α_0):
///   δ_w = log((y_a+α_w)/(n_a+α_0−y_a−α_w)) − log((y_b+α_w)/(n_b+α_0−y_b−α_w)),
///   σ²_w ≈ 1/(y_a+α_w) + 1/(y_b+α_w),   z_w = δ_w / σ_w.
/// Positive z: over-used by the target. The prior defaults to the pooled counts of both corpora
/// scaled to `priorTotal` pseudo-counts.
public enum LogOddsRatio {
  /// z-scores for every word in either corpus.
  /// - Parameters:
  ///   - target: word counts of the target corpus (the user).
  ///   - reference: word counts of the reference corpus (the peers).
  ///   - prior: prior word counts; nil → target + reference pooled.
  ///   - priorTotal: α_0, the total pseudo-count the prior is scaled to; nil → the prior's own total.
  public static func zScores(
    target: [String: Int], reference: [String: Int], prior: [String: Int]? = nil, priorTotal: Double? = nil
  ) -> [String: Double] {
    let pooled = prior ?? target.merging(reference, uniquingKeysWith: +)
    let pooledTotal = Double(pooled.values.reduce(0, +))
    guard pooledTotal > 0 else { return [:] }
    let alpha0 = priorTotal ?? pooledTotal
    let na = Double(target.values.reduce(0, +))
    let nb = Double(reference.values.reduce(0, +))
    var result: [String: Double] = [:]
    for word in Set(target.keys).union(reference.keys) {
      let alpha = alpha0 * Double(pooled[word] ?? 0) / pooledTotal
      guard alpha > 0 else { continue }
      let ya = Double(target[word] ?? 0)
      let yb = Double(reference[word] ?? 0)
      let delta = log((ya + alpha) / (na + alpha0 - ya - alpha)) - log((yb + alpha) / (nb + alpha0 - yb - alpha))
      let variance = 1 / (ya + alpha) + 1 / (yb + alpha)
      result[word] = delta / variance.squareRoot()
    }
    return result
  }

  /// Word counts of `texts`, excluding stopwords, tokens shorter than 3 characters and numbers.
  public static func contentCounts(_ texts: [String]) -> [String: Int] {
    var counts: [String: Int] = [:]
    for text in texts {
      for word in TextFeatures.tokenize(text)
      where word.count >= 3 && !Lexicons.stopwords.contains(word) && !word.allSatisfy(\.isNumber) {
        counts[word, default: 0] += 1
      }
    }
    return counts
  }
}

// A user's vector: the (optionally recency-weighted) mean of their review vectors.
import Foundation

/// Builds user vectors from review vectors.
public enum UserVector {
  /// The L2-normalised mean of `vectors`.
  ///
  /// With `timestamps` (Unix seconds, one per vector) and `halfLifeDays`, each vector is
  /// weighted `0.5^(age / halfLife)` where `age` is its distance in days from the newest
  /// review, so a review one half-life older counts half as much.
  /// - Parameters:
  ///   - vectors: Review vectors, all of one length.
  ///   - timestamps: Review times in Unix seconds (convert millisecond timestamps, as in the
  ///     Amazon 2023 files, first); ignored unless `halfLifeDays` is given and the counts match.
  ///   - halfLifeDays: Decay half-life in days (> 0); `nil` gives the plain mean.
  /// - Returns: A unit vector; `[]` when `vectors` is empty; all-zero if the mean is zero.
  public static func mean(of vectors: [[Float]], timestamps: [Int64]? = nil, halfLifeDays: Double? = nil) -> [Float] {
    guard let dimension = vectors.first?.count else { return [] }
    precondition(vectors.allSatisfy { $0.count == dimension }, "UserVector.mean: vectors differ in length")
    var weights = [Float](repeating: 1, count: vectors.count)
    if let timestamps, let halfLifeDays, halfLifeDays > 0, timestamps.count == vectors.count,
      let newest = timestamps.max()
    {
      weights = timestamps.map { time in
        let ageDays = Double(newest - time) / 86_400
        return Float(pow(0.5, ageDays / halfLifeDays))
      }
    }
    var sum = [Float](repeating: 0, count: dimension)
    for (vector, weight) in zip(vectors, weights) {
      for index in 0..<dimension { sum[index] += weight * vector[index] }
    }
    return VectorMath.normalized(sum)
  }
}

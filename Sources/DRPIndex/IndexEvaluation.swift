import Foundation

/// Recall and speed of a `VectorIndex` on query vectors with known true neighbours, reported as
/// ann-benchmarks does: recall@k, single-query latency percentiles and batch throughput.
public enum IndexEvaluation {
  /// The figures of one index variant.
  public struct Figures: Sendable, Encodable, Equatable {
    /// Mean over queries of |returned top k ∩ true top k| / k.
    public var recall: Double
    /// Median latency of one query searched alone, in milliseconds.
    public var singleP50Ms: Double
    /// 99th percentile (nearest rank) of the same latencies.
    public var singleP99Ms: Double
    /// Queries per second when all queries are searched as one batch.
    public var batchQPS: Double

    enum CodingKeys: String, CodingKey {
      case recall
      case singleP50Ms = "single_p50_ms"
      case singleP99Ms = "single_p99_ms"
      case batchQPS = "batch_qps"
    }
  }

  /// Checks that `truth` fits `queries`, `k` and `index`: one row per query, at least `k` ids per
  /// row, and every id among a row's first `k` is an id of the index (ids are matched as decimal
  /// strings: row `r` of an index built from a file without ids is named "r").
  /// - Throws: `VectorFileError` naming `truthPath` and the first problem.
  public static func check(truth: [[Int32]], truthPath: String, queries: VectorFile, k: Int, index: VectorIndex) throws
  {
    guard truth.count == queries.count else {
      throw VectorFileError(
        path: truthPath,
        reason: "has \(truth.count) rows but \(queries.path) has \(queries.count) queries (one row per query)")
    }
    let perRow = truth.first?.count ?? 0
    guard perRow >= k else {
      throw VectorFileError(
        path: truthPath, reason: "lists \(perRow) neighbours per query; k = \(k) needs at least \(k)")
    }
    for (row, ids) in truth.enumerated() {
      for id in ids.prefix(k) where !index.contains(String(id)) {
        throw VectorFileError(
          path: truthPath,
          reason: "row \(row) lists id \(id), which the index (\(index.count) vectors) does not hold: ids out of range")
      }
    }
  }

  /// Searches every query in one batch (for throughput and recall) and the first `singleQueries`
  /// one at a time (for latency), after a warm-up search of each kind (first touches of the
  /// mapped rows and thread start-up are not timed).
  /// - Throws: `IndexError` when a query cannot be searched (wrong dimension, zero vector).
  public static func measure(
    index: VectorIndex, queries: VectorFile, truth: [[Int32]], k: Int, singleQueries: Int
  ) throws -> Figures {
    let vectors = (0..<queries.count).map(queries.vector)
    _ = try index.search(vectors[0], k: k)
    _ = try index.search(batch: Array(vectors.prefix(8)), k: k)
    var latencies: [Double] = []
    for vector in vectors.prefix(max(1, singleQueries)) {
      let start = DispatchTime.now().uptimeNanoseconds
      _ = try index.search(vector, k: k)
      latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    let start = DispatchTime.now().uptimeNanoseconds
    let results = try index.search(batch: vectors, k: k)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    var found = 0
    for (row, result) in results.enumerated() {
      let expected = Set(truth[row].prefix(k).map(String.init))
      found += result.filter { expected.contains($0.id) }.count
    }
    latencies.sort()
    return Figures(
      recall: Double(found) / Double(k * queries.count), singleP50Ms: rank(latencies, 0.5),
      singleP99Ms: rank(latencies, 0.99), batchQPS: Double(queries.count) / max(seconds, 1e-9))
  }

  /// The nearest-rank percentile `p` of sorted `values`.
  private static func rank(_ values: [Double], _ p: Double) -> Double {
    values[max(0, min(values.count - 1, Int((p * Double(values.count)).rounded(.up)) - 1))]
  }
}

// Searches of indexes large enough for the multi-threaded scan and the heap merge, against a plain
// Double reference, for float32 and int8 rows, single queries and batches.
import XCTest

@testable import DRPIndex

final class ParallelScanReferenceTests: XCTestCase {
  /// Rows of dimension `d` needed to exceed `IndexStorage.parallelMinFloats` by a quarter.
  private static func rowsAboveThreshold(_ d: Int) -> Int {
    IndexStorage.parallelMinFloats / IndexStorage.stride(for: d) * 5 / 4
  }

  private func makeIndex(_ n: Int, _ d: Int, quantized: Bool, seed: UInt64)
    throws -> (VectorIndex, [(id: String, vector: [Float])])
  {
    var rng = ReferenceSearch(seed: seed)
    let rows = (0..<n).map { (id: "r\($0)", vector: rng.vector(d)) }
    let index = VectorIndex(dimension: d, quantized: quantized)
    for row in rows { try index.upsert(id: row.id, vector: row.vector) }
    // Tombstones inside the scanned range: the parallel chunks must skip them too.
    for victim in stride(from: 5, to: n, by: 97) { index.remove(id: "r\(victim)") }
    XCTAssertEqual(index.invariantViolations(), [])
    return (index, rows.enumerated().filter { ($0.offset - 5) % 97 != 0 || $0.offset < 5 }.map(\.element))
  }

  /// `query` L2-normalised and zero-padded to the row stride, as the index stores queries.
  private func padded(_ query: [Float], stride: Int) -> [Float] {
    let norm = Float(query.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    return query.map { $0 / norm } + [Float](repeating: 0, count: stride - query.count)
  }

  /// The neighbours the storage finds for `query` with `threads` scan threads.
  private func scan(_ index: VectorIndex, _ query: [Float], k: Int, threads: Int) -> [(row: Int32, score: Float)] {
    index.withStorage { storage in
      padded(query, stride: storage.stride).withUnsafeBufferPointer {
        let heap = storage.search(query: $0.baseAddress!, want: k, candidates: .all, threads: threads)
        XCTAssertEqual(heap.invariantViolations(), [])
        return heap.sorted().map { (row: $0.row, score: $0.score) }
      }
    }
  }

  /// The split of the scan into chunks and threads does not change the result (the heap order is
  /// total): 2, 3 and 8 threads give the rows and scores of one.
  private func assertSplitChangesNothing(
    _ index: VectorIndex, _ query: [Float], k: Int, line: UInt = #line
  ) {
    let one = scan(index, query, k: k, threads: 1)
    for threads in [2, 3, 8] {
      let many = scan(index, query, k: k, threads: threads)
      XCTAssertEqual(many.map(\.row), one.map(\.row), "threads=\(threads)", line: line)
      XCTAssertEqual(many.map(\.score), one.map(\.score), "threads=\(threads)", line: line)
    }
  }

  func testTheseIndexesAreAboveTheParallelThreshold() throws {
    let (index, _) = try makeIndex(Self.rowsAboveThreshold(96), 96, quantized: false, seed: 1)
    index.withStorage { XCTAssertGreaterThan($0.rows * $0.stride, IndexStorage.parallelMinFloats) }
  }

  func testFloat32SingleAndBatchMatchTheReference() throws {
    let d = 96
    let (index, live) = try makeIndex(Self.rowsAboveThreshold(d), d, quantized: false, seed: 11)
    var rng = ReferenceSearch(seed: 12)
    let queries = (0..<6).map { _ in rng.vector(d) }
    for k in [1, 10, 100] {
      var singles: [[Neighbor]] = []
      for query in queries {
        let expected = ReferenceSearch.topK(query, live, k: k)
        let got = try index.search(query, k: k)
        XCTAssertEqual(got.map(\.id), expected.map(\.id), "k=\(k)")
        for (g, e) in zip(got, expected) { XCTAssertEqual(Double(g.score), e.score, accuracy: 1e-5) }
        assertSplitChangesNothing(index, query, k: k)
        singles.append(got)
      }
      for kernel in [BatchKernel.perQuery, .tiled, .matrix, .automatic] {
        XCTAssertEqual(try index.search(batch: queries, k: k, kernel: kernel), singles, "k=\(k) \(kernel)")
      }
    }
  }

  func testInt8SingleAndBatchMatchTheReference() throws {
    let d = 128
    let (index, live) = try makeIndex(Self.rowsAboveThreshold(d), d, quantized: true, seed: 21)
    let exactScores = Dictionary(uniqueKeysWithValues: live.map { ($0.id, $0.vector) })
    var rng = ReferenceSearch(seed: 22)
    let queries = (0..<6).map { _ in rng.vector(d) }
    let k = 10
    var hits = 0
    var singles: [[Neighbor]] = []
    for query in queries {
      let expected = ReferenceSearch.topK(query, live, k: k)
      let got = try index.search(query, k: k)
      XCTAssertEqual(got.count, k)
      // Every returned score is the exact cosine of that row (int8 only chooses the candidates).
      for neighbor in got {
        let reference = ReferenceSearch.topK(query, [(neighbor.id, exactScores[neighbor.id]!)], k: 1)[0].score
        XCTAssertEqual(Double(neighbor.score), reference, accuracy: 1e-5, neighbor.id)
      }
      XCTAssertEqual(got.map(\.score), got.map(\.score).sorted(by: >))
      hits += expected.filter { e in got.contains { $0.id == e.id } }.count
      assertSplitChangesNothing(index, query, k: k)
      singles.append(got)
    }
    XCTAssertGreaterThanOrEqual(Double(hits) / Double(k * queries.count), 0.98)
    for kernel in [BatchKernel.perQuery, .automatic] {
      XCTAssertEqual(try index.search(batch: queries, k: k, kernel: kernel), singles, "\(kernel)")
    }
  }
}

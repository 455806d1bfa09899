import DRPIndex
import XCTest

final class VectorIndexTests: XCTestCase {
  private func makeRows(_ n: Int, _ d: Int, seed: UInt64 = 7) -> [(id: String, vector: [Float])] {
    var rng = ReferenceSearch(seed: seed)
    return (0..<n).map { (id: "id\($0)", vector: rng.vector(d)) }
  }

  private func makeIndex(_ rows: [(id: String, vector: [Float])], d: Int, quantized: Bool = false) throws -> VectorIndex
  {
    let index = VectorIndex(dimension: d, quantized: quantized)
    for row in rows { try index.upsert(id: row.id, vector: row.vector) }
    return index
  }

  /// Asserts `got` matches the reference ids and scores (scores within float error).
  private func assertMatches(
    _ got: [Neighbor], _ expected: [(id: String, score: Double)], file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(got.count, expected.count, file: file, line: line)
    for (g, e) in zip(got, expected) {
      XCTAssertEqual(Double(g.score), e.score, accuracy: 1e-5, file: file, line: line)
    }
    XCTAssertEqual(got.map(\.id), expected.map(\.id), file: file, line: line)
  }

  func testKernelsMatchReferenceOnOddSizes() throws {
    for (n, d) in [(1, 1), (5, 3), (37, 17), (300, 33), (1100, 100)] {
      let rows = makeRows(n, d, seed: UInt64(n * 31 + d))
      let index = try makeIndex(rows, d: d)
      var rng = ReferenceSearch(seed: 99)
      for k in [1, 3, 10, n + 5] {
        let query = rng.vector(d)
        assertMatches(try index.search(query, k: k), ReferenceSearch.topK(query, rows, k: k))
      }
    }
  }

  func testEmptyIndexAndBadArguments() throws {
    let index = VectorIndex(dimension: 4)
    XCTAssertEqual(try index.search([1, 0, 0, 0], k: 5), [])
    XCTAssertEqual(try index.search(batch: [[1, 0, 0, 0], [0, 1, 0, 0]], k: 2), [[], []])
    XCTAssertThrowsError(try index.search([1, 0, 0], k: 1)) {
      XCTAssertEqual($0 as? IndexError, .dimensionMismatch(expected: 4, actual: 3))
      XCTAssertTrue("\($0)".contains("dimension 3"))
    }
    XCTAssertThrowsError(try index.upsert(id: "a", vector: [1, 2])) {
      XCTAssertEqual($0 as? IndexError, .dimensionMismatch(expected: 4, actual: 2))
    }
    XCTAssertThrowsError(try index.search([1, 0, 0, 0], k: 0)) { XCTAssertEqual($0 as? IndexError, .invalidK(0)) }
    XCTAssertThrowsError(try index.upsert(id: "z", vector: [0, 0, 0, 0]))
    XCTAssertThrowsError(try index.upsert(id: "n", vector: [.nan, 0, 0, 1]))
    XCTAssertEqual(index.count, 0)
  }

  func testAddUpdateDeleteAndCompact() throws {
    let index = VectorIndex(dimension: 3)
    try index.upsert(id: "x", vector: [1, 0, 0])
    try index.upsert(id: "y", vector: [0, 1, 0])
    try index.upsert(id: "z", vector: [0, 0, 2])
    XCTAssertEqual(index.vector(for: "z"), [0, 0, 1])
    XCTAssertEqual(try index.search([1, 0.1, 0], k: 1).map(\.id), ["x"])
    try index.upsert(id: "x", vector: [0, 0, -1])  // re-embed in place
    XCTAssertEqual(index.count, 3)
    XCTAssertEqual(try index.search([1, 0.1, 0], k: 1).map(\.id), ["y"])
    XCTAssertTrue(index.remove(id: "y"))
    XCTAssertFalse(index.remove(id: "y"))
    XCTAssertFalse(index.contains("y"))
    XCTAssertNil(index.vector(for: "y"))
    XCTAssertEqual(index.info().tombstones, 1)
    XCTAssertEqual(try index.search([1, 0.1, 0.2], k: 3).map(\.id), ["z", "x"])
    index.compact()
    XCTAssertEqual(index.info().tombstones, 0)
    XCTAssertEqual(index.count, 2)
    XCTAssertEqual(try index.search([1, 0.1, 0.2], k: 3).map(\.id), ["z", "x"])
    try index.upsert(id: "y", vector: [0, 1, 0])
    XCTAssertEqual(try index.search([0, 1, 0], k: 1).map(\.id), ["y"])
    XCTAssertEqual(try index.search([0, 1, 0.1], k: 3, excluding: ["y"]).map(\.id).first, "z")
  }

  func testDeleteManyThenSearchMatchesReference() throws {
    var rows = makeRows(600, 20)
    let index = try makeIndex(rows, d: 20)
    for i in Swift.stride(from: 0, to: 600, by: 3) { XCTAssertTrue(index.remove(id: "id\(i)")) }
    rows = rows.enumerated().filter { $0.offset % 3 != 0 }.map(\.element)
    var rng = ReferenceSearch(seed: 5)
    let query = rng.vector(20)
    assertMatches(try index.search(query, k: 10), ReferenceSearch.topK(query, rows, k: 10))
    index.compact()
    assertMatches(try index.search(query, k: 10), ReferenceSearch.topK(query, rows, k: 10))
  }

  func testFilteredSearch() throws {
    let rows = makeRows(2000, 24)
    let index = try makeIndex(rows, d: 24)
    var rng = ReferenceSearch(seed: 11)
    let query = rng.vector(24)
    XCTAssertEqual(try index.search(query, k: 5, filter: .ids([String]())), [])
    XCTAssertEqual(try index.search(query, k: 5, filter: .ids(["id42"])).map(\.id), ["id42"])
    XCTAssertEqual(try index.search(query, k: 5, filter: .ids(["nope", "id7", "id7"])).map(\.id), ["id7"])
    for size in [10, 1500] {  // tiny set (gather) and most of the index (mask)
      let subset = Array(rows.enumerated().filter { $0.offset % (2000 / size) == 0 }.map(\.element).prefix(size))
      let expected = ReferenceSearch.topK(query, subset, k: 10)
      assertMatches(try index.search(query, k: 10, filter: .ids(Set(subset.map(\.id)))), expected)
      let bitmap = index.candidateBitmap(for: subset.map(\.id) + ["unknown"])
      XCTAssertEqual(bitmap.count, subset.count)
      assertMatches(try index.search(query, k: 10, filter: .bitmap(bitmap)), expected)
    }
    let bitmap = index.candidateBitmap(for: ["id1", "id2"])
    index.remove(id: "id1")
    XCTAssertEqual(try index.search(query, k: 5, filter: .bitmap(bitmap)).map(\.id), ["id2"])
    index.compact()
    XCTAssertThrowsError(try index.search(query, k: 5, filter: .bitmap(bitmap))) {
      XCTAssertEqual($0 as? IndexError, .staleBitmap)
    }
  }

  func testBatchEqualsSingleForBothKernels() throws {
    // 3,000 rows scan on one thread; 12,000 rows of stride 48 exceed `parallelMinFloats` (two).
    for n in [3000, 12_000] {
      let rows = makeRows(n, 40)
      let index = try makeIndex(rows, d: 40)
      index.remove(id: "id3")
      var rng = ReferenceSearch(seed: 3)
      let queries = (0..<20).map { _ in rng.vector(40) }
      let single = try queries.map { try index.search($0, k: 7) }
      for kernel in [BatchKernel.automatic, .perQuery, .tiled, .matrix] {
        // The same ids and bit-identical scores (the matrix kernels re-score their candidates).
        XCTAssertEqual(try index.search(batch: queries, k: 7, kernel: kernel), single, "n=\(n) \(kernel)")
      }
      let mask = Set((0..<n).filter { $0 % 3 != 1 }.map { "id\($0)" })
      let maskedSingle = try queries.map { try index.search($0, k: 5, filter: .ids(mask)) }
      for kernel in [BatchKernel.tiled, .matrix] {
        XCTAssertEqual(try index.search(batch: queries, k: 5, filter: .ids(mask), kernel: kernel), maskedSingle)
        let filtered = try index.search(batch: queries, k: 3, filter: .ids(["id1", "id2", "id3"]), kernel: kernel)
        XCTAssertTrue(filtered.allSatisfy { Set($0.map(\.id)) == ["id1", "id2"] })
      }
    }
  }

  func testBatchEqualsSingleWhenManyRowsTie() throws {
    // 60 copies of one vector and 60 near-copies (differing far below float32 resolution of the
    // scores) around the cut: more near-ties than the sgemm pass keeps, so the kernel must fall
    // back to exact scans and still agree with single queries, ties broken by row.
    var rows = makeRows(4000, 32, seed: 9)
    var rng = ReferenceSearch(seed: 8)
    let base = rng.vector(32)
    for copy in 0..<120 {
      var vector = base
      if copy >= 60 { vector[copy % 32] += Float(copy) * 1e-7 }
      rows.insert((id: "dup\(copy)", vector: vector), at: copy * 30)
    }
    let index = try makeIndex(rows, d: 32)
    let queries = [base] + (0..<7).map { _ in base.map { $0 + rng.next() * 0.01 } }
    let single = try queries.map { try index.search($0, k: 10) }
    XCTAssertEqual(try index.search(batch: queries, k: 10, kernel: .tiled), single)
    XCTAssertEqual(try index.search(batch: queries, k: 10, kernel: .matrix), single)
    XCTAssertEqual(Set(single[0].map(\.id)).count, 10)
  }

  func testQuantizedCopySearchesLikeAQuantizedIndex() throws {
    let rows = makeRows(1500, 48)
    let index = try makeIndex(rows, d: 48)
    index.remove(id: "id5")
    let copy = index.quantizedCopy()
    let built = try makeIndex(rows.filter { $0.id != "id5" }, d: 48, quantized: true)
    XCTAssertTrue(copy.info().quantized)
    XCTAssertEqual(copy.count, 1499)
    var rng = ReferenceSearch(seed: 4)
    for _ in 0..<10 {
      let query = rng.vector(48)
      XCTAssertEqual(try copy.search(query, k: 10), try built.search(query, k: 10))
    }
    XCTAssertFalse(index.info().quantized)
  }

  func testQuantizedRecall() throws {
    let rows = makeRows(2000, 64)
    let index = try makeIndex(rows, d: 64, quantized: true)
    var rng = ReferenceSearch(seed: 21)
    var hits = 0
    for _ in 0..<20 {
      let query = rng.vector(64)
      let got = Set(try index.search(query, k: 10).map(\.id))
      hits += ReferenceSearch.topK(query, rows, k: 10).filter { got.contains($0.id) }.count
    }
    XCTAssertGreaterThanOrEqual(Double(hits) / 200, 0.99)
    XCTAssertTrue(index.info().quantized)
  }

  func testConcurrentSearchesWhileAdding() throws {
    let index = try makeIndex(makeRows(500, 16), d: 16)
    let extra = makeRows(300, 16, seed: 77)
    let failures = LockedCounter()
    DispatchQueue.concurrentPerform(iterations: 3) { worker in
      if worker == 0 {
        for row in extra { do { try index.upsert(id: "new-" + row.id, vector: row.vector) } catch { failures.add() } }
      } else {
        var rng = ReferenceSearch(seed: UInt64(worker))
        for _ in 0..<200 {
          do {
            if try index.search(rng.vector(16), k: 5).count != 5 { failures.add() }
          } catch { failures.add() }
        }
      }
    }
    XCTAssertEqual(failures.value, 0)
    XCTAssertEqual(index.count, 800)
  }

  func testCPUSupportMatchesThisMachine() {
    let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    XCTAssertEqual(VectorIndex.cpuSupported, flags.contains(" avx2") && flags.contains(" fma"))
  }
}

/// A thread-safe counter for the concurrency test.
final class LockedCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var count = 0
  func add() { lock.withLock { count += 1 } }
  var value: Int { lock.withLock { count } }
}

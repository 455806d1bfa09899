// The index structures' invariant checks: they hold after every kind of mutation, and they report
// a broken structure.
import Foundation
import XCTest

@testable import DRPIndex

final class IndexInvariantTests: XCTestCase {
  func testHeapInvariantsHoldThroughInsertsAndMerges() {
    var rng = ReferenceSearch(seed: 5)
    for capacity in [1, 2, 7, 64] {
      let heaps = (0..<3).map { _ in TopKHeap(capacity: capacity) }
      for (h, heap) in heaps.enumerated() {
        for row in 0..<500 {
          // Coarse scores make many ties, which the (score, row) order must break.
          let score = (rng.next() * 8).rounded() / 8
          if score > heap.threshold || heap.count < heap.capacity {
            heap.insert(score, row: Int32(h * 1000 + row))
          }
          XCTAssertEqual(heap.invariantViolations(), [], "capacity \(capacity) after row \(row)")
        }
      }
      heaps[0].merge(heaps[1])
      heaps[0].merge(heaps[2])
      XCTAssertEqual(heaps[0].invariantViolations(), [])
      XCTAssertEqual(heaps[0].count, capacity)
    }
  }

  func testRowBitsetReportsBitsPastTheLastRow() {
    var bits = RowBitset(rows: 10)
    bits.insert(3)
    bits.insert(9)
    XCTAssertEqual(bits.invariantViolations(rows: 10), [])
    bits.insert(70)
    XCTAssertEqual(bits.invariantViolations(rows: 10), ["row bit 70 is set past the last row 9"])
  }

  func testIdTableReportsAnIdMappedToTwoRows() {
    var ids = IdTable()
    ids.append("a")
    ids.append("b")
    XCTAssertEqual(ids.invariantViolations(rows: 2, deleted: RowBitset()), [])
    ids.append("a")
    XCTAssertEqual(
      ids.invariantViolations(rows: 3, deleted: RowBitset()), ["live row 0 has id \"a\", which maps to row 2"])
    var deleted = RowBitset(rows: 3)
    deleted.insert(0)
    XCTAssertEqual(ids.invariantViolations(rows: 3, deleted: deleted), [])
  }

  func testStorageInvariantsHoldThroughMutationsSaveAndLoad() throws {
    for quantized in [false, true] {
      let index = VectorIndex(dimension: 21, quantized: quantized)
      var rng = ReferenceSearch(seed: 17)
      for row in 0..<300 { try index.upsert(id: "v\(row)", vector: rng.vector(21)) }
      XCTAssertEqual(index.invariantViolations(), [])
      for row in stride(from: 0, to: 300, by: 7) { index.remove(id: "v\(row)") }
      try index.upsert(id: "v1", vector: rng.vector(21))
      XCTAssertEqual(index.invariantViolations(), [])
      let path = FileManager.default.temporaryDirectory.appendingPathComponent("inv-\(UUID().uuidString).drpidx").path
      defer { try? FileManager.default.removeItem(atPath: path) }
      try index.save(path: path)
      // The loaded form reads ids and tombstones from the mapped file.
      let loaded = try VectorIndex.load(path: path, verify: true)
      XCTAssertEqual(loaded.invariantViolations(), [])
      loaded.compact()
      XCTAssertEqual(loaded.invariantViolations(), [])
      index.compact()
      XCTAssertEqual(index.invariantViolations(), [])
      XCTAssertEqual(index.count, loaded.count)
      XCTAssertEqual(index.quantizedCopy().invariantViolations(), [])
    }
  }

  func testStorageReportsAWrongTombstoneCount() throws {
    let index = VectorIndex(dimension: 4)
    try index.upsert(id: "a", vector: [1, 2, 3, 4])
    try index.upsert(id: "b", vector: [4, 3, 2, 1])
    index.remove(id: "a")
    XCTAssertEqual(index.invariantViolations(), [])
    index.withStorage { $0.tombstones = 0 }
    XCTAssertEqual(index.invariantViolations(), ["tombstones is 0 but 1 rows are marked deleted"])
  }

  func testStorageReportsAnUnnormalisedRowAndDirtyPadding() throws {
    let index = VectorIndex(dimension: 3)
    try index.upsert(id: "a", vector: [1, 2, 3])
    index.withStorage { storage in
      storage.floats[0] *= 2
      storage.floats[3] = 1
    }
    let violations = index.invariantViolations()
    XCTAssertEqual(violations.count, 2, "\(violations)")
    XCTAssertTrue(violations.contains { $0.hasPrefix("row 0 has norm") }, "\(violations)")
    XCTAssertTrue(violations.contains("row 0 has a non-zero padding float at 3"), "\(violations)")
  }

  /// `IndexStorage` is a reference: a second name for it sees the same rows (no aliasing surprise).
  func testStorageIsAReference() {
    let storage = IndexStorage(dimension: 2, quantized: false)
    let alias = storage
    storage.reserve(1)
    let vector: [Float] = [0.6, 0.8] + [Float](repeating: 0, count: storage.stride - 2)
    vector.withUnsafeBufferPointer { storage.store($0, at: 0) }
    storage.ids.append("x")
    storage.rows = 1
    XCTAssertEqual(alias.rows, 1)
    XCTAssertEqual(alias.liveRow(of: "x"), 0)
    XCTAssertEqual(alias.invariantViolations(), [])
  }
}

// A NaN score (a damaged row) must surface in the results, not vanish from them.
import XCTest

@testable import DRPIndex

final class ScanKernelNaNTests: XCTestCase {
  /// Rows 0..<8 of 16 floats; row 3 is NaN. Scan, offer and gather keep it, as +infinity, first.
  func testNaNRowsAreKeptAsInfinityByEveryKernel() {
    let stride = 16
    var base = [Float](repeating: 0, count: 8 * stride)
    for row in 0..<8 { base[row * stride] = Float(row) / 10 }
    base[3 * stride + 5] = .nan
    var query = [Float](repeating: 0, count: stride)
    query[0] = 1
    query[5] = 1

    let scanned = TopKHeap(capacity: 2)
    base.withUnsafeBufferPointer { b in
      query.withUnsafeBufferPointer { q in
        ScanKernels.scan(
          query: q.baseAddress!, base: b.baseAddress!, stride: stride, range: 0..<8, deleted: nil, allowed: nil,
          heap: scanned)
      }
    }
    XCTAssertEqual(scanned.sorted().map(\.row), [3, 7])
    XCTAssertEqual(scanned.sorted().first?.score, .infinity)

    let offered = TopKHeap(capacity: 2)
    let scores: [Float] = [0.1, 0.9, .nan, 0.5]
    scores.withUnsafeBufferPointer {
      ScanKernels.offer(scores: $0.baseAddress!, count: 4, firstRow: 10, deleted: nil, allowed: nil, heap: offered)
    }
    XCTAssertEqual(offered.sorted().map(\.row), [12, 11])

    let gathered = TopKHeap(capacity: 1)
    let rows: [Int32] = [7, 3, 1]
    base.withUnsafeBufferPointer { b in
      query.withUnsafeBufferPointer { q in
        rows.withUnsafeBufferPointer {
          ScanKernels.gather(query: q.baseAddress!, base: b.baseAddress!, stride: stride, rows: $0, heap: gathered)
        }
      }
    }
    XCTAssertEqual(gathered.sorted().map(\.row), [3])
  }
}

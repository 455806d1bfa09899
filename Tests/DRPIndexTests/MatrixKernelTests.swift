// The tiled matrix product against a Double reference, for every shape edge: partial row tiles,
// narrow and padded query slices, small and large strides; nothing written outside its output.
import XCTest

@testable import DRPIndex

final class MatrixKernelTests: XCTestCase {
  func testScoresMatchADoubleReferenceForEveryTileAndSliceShape() {
    var rng = ReferenceSearch(seed: 31)
    for stride in [16, 48, 384] {
      for rowCount in [1, 5, 6, 7, 12, 13, 40] {
        for queryCount in [1, 7, 8, 9, 16, 17, 24, 33] {
          let rows = (0..<rowCount * stride).map { _ in rng.next() }
          let queries = (0..<queryCount * stride).map { _ in rng.next() }
          let padded = MatrixKernel.paddedCount(queryCount)
          XCTAssertEqual(padded % MatrixKernel.halfSlice, 0)
          XCTAssertGreaterThanOrEqual(padded, queryCount)
          XCTAssertLessThan(padded - queryCount, MatrixKernel.halfSlice)
          var packed = [Float](repeating: .nan, count: padded * stride)
          let guardCount = 64
          var out = [Float](repeating: -7, count: rowCount * padded + guardCount)
          var scratch = [Float](repeating: .nan, count: MatrixKernel.tileRows * stride)
          queries.withUnsafeBufferPointer { q in
            packed.withUnsafeMutableBufferPointer {
              MatrixKernel.pack(queries: q.baseAddress!, count: queryCount, stride: stride, into: $0.baseAddress!)
            }
          }
          XCTAssertFalse(packed.contains { $0.isNaN }, "pack fills every slot (padding with zeros)")
          rows.withUnsafeBufferPointer { r in
            packed.withUnsafeBufferPointer { p in
              scratch.withUnsafeMutableBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in
                  MatrixKernel.scores(
                    rows: r.baseAddress!, rowCount: rowCount, stride: stride, packed: p.baseAddress!, padded: padded,
                    scratch: s.baseAddress!, into: o.baseAddress!)
                }
              }
            }
          }
          let shape = "stride \(stride) rows \(rowCount) queries \(queryCount)"
          XCTAssertEqual(
            Array(out.suffix(guardCount)), [Float](repeating: -7, count: guardCount), "wrote past \(shape)")
          for row in 0..<rowCount {
            for query in 0..<padded {
              var exact: Double = 0
              var magnitude: Double = 0
              if query < queryCount {
                for i in 0..<stride {
                  let term = Double(rows[row * stride + i]) * Double(queries[query * stride + i])
                  exact += term
                  magnitude += abs(term)
                }
              }
              // A sum of `stride` float products: within stride·2⁻²⁴·Σ|terms| (padding queries: 0).
              let bound = Double(stride) * Double(Float.ulpOfOne) * magnitude + 1e-30
              let got = Double(out[row * padded + query])
              XCTAssertLessThanOrEqual(abs(got - exact), bound, "\(shape): row \(row) query \(query)")
            }
          }
        }
      }
    }
  }
}

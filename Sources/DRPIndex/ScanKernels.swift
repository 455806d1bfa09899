/// Hand-written dot-product kernels. Rows are padded to a multiple of 16 floats (64 bytes) with
/// zeros, so no kernel needs a scalar tail. Built with `-march=x86-64-v3` these compile to
/// `vfmadd231ps` on `ymm` registers (checked with objdump; see BENCHMARKS.md).
enum ScanKernels {
  /// Rows scored per block before the top-k pass (scores stay in L1) by the int8 scan; also the
  /// fewest rows worth a thread of their own.
  static let blockRows = 256

  @inline(__always) private static func load16(_ p: UnsafePointer<Float>, _ i: Int) -> SIMD16<Float> {
    UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
  }

  /// Dot product of one query with one padded row of `stride` floats: the canonical score. Every
  /// kernel that reports a score computes it this same way (one `SIMD16` accumulator, FMA over the
  /// 16-float chunks in order, then `sum()` of the lanes in order), so a row gets bit-identical
  /// scores from single queries, gathers, re-ranking and batches.
  @inline(__always) static func dot(_ q: UnsafePointer<Float>, _ r: UnsafePointer<Float>, stride: Int) -> Float {
    var a0 = SIMD16<Float>()
    var i = 0
    while i < stride {
      a0.addProduct(load16(q, i), load16(r, i))
      i += 16
    }
    return a0.sum()
  }

  /// Streams rows `range` once, one row after the other, fusing scoring with the top-k heap: a
  /// row's score is compared with the heap's threshold and only a better row is checked against
  /// `deleted` (bit set: skipped) and `allowed` (bit clear: skipped) and inserted. A NaN score (a
  /// damaged row) passes the threshold and is kept as +infinity, so it surfaces at the top of the
  /// results, where the engine's score check reports the damage, instead of vanishing silently.
  ///
  /// One row at a time reads memory strictly in order, which the hardware prefetchers follow best;
  /// the out-of-order core overlaps the FMA chains of consecutive rows. Measured against four rows
  /// per pass (four interleaved streams 1.5 KB apart, the previous kernel): same or higher
  /// bandwidth with one and two threads (BENCHMARKS.md, "Vector index", where the time goes).
  static func scan(
    query: UnsafePointer<Float>, base: UnsafePointer<Float>, stride: Int, range: Range<Int>,
    deleted: UnsafePointer<UInt64>?, allowed: UnsafePointer<UInt64>?, heap: TopKHeap
  ) {
    var threshold = heap.threshold
    var rowPointer = base + range.lowerBound * stride
    for row in range {
      let score = dot(query, rowPointer, stride: stride)
      rowPointer += stride
      guard !(score <= threshold) else { continue }
      if skips(row, deleted: deleted, allowed: allowed) { continue }
      heap.insert(score.isNaN ? .infinity : score, row: Int32(row))
      threshold = heap.threshold
    }
  }

  /// Whether `row` is left out: its bit is set in `deleted` or clear in `allowed` (either may be
  /// nil: no such mask).
  @inline(__always) static func skips(_ row: Int, deleted: UnsafePointer<UInt64>?, allowed: UnsafePointer<UInt64>?)
    -> Bool
  {
    let bit: UInt64 = 1 << UInt64(row & 63)
    if let deleted, deleted[row >> 6] & bit != 0 { return true }
    if let allowed, allowed[row >> 6] & bit == 0 { return true }
    return false
  }

  /// Offers `count` scores of rows `firstRow...` to `heap`, skipping deleted or disallowed rows (NaN
  /// kept as +infinity, as in ``scan(query:base:stride:range:deleted:allowed:heap:)``).
  @inline(__always) static func offer(
    scores: UnsafePointer<Float>, count: Int, firstRow: Int,
    deleted: UnsafePointer<UInt64>?, allowed: UnsafePointer<UInt64>?, heap: TopKHeap
  ) {
    var threshold = heap.threshold
    for j in 0..<count where !(scores[j] <= threshold) {
      let row = firstRow + j
      if skips(row, deleted: deleted, allowed: allowed) { continue }
      heap.insert(scores[j].isNaN ? .infinity : scores[j], row: Int32(row))
      threshold = heap.threshold
    }
  }

  /// Offers a row-major block of scores, `rowCount` rows of `queryCount` scores each (row
  /// `firstRow + r`, query `q` at `scores[r * lineStride + q]`), to `heaps[q]`, rows in ascending
  /// order, with the same rules as ``offer(scores:count:firstRow:deleted:allowed:heap:)``: deleted
  /// or disallowed rows skipped, NaN kept as +infinity. `thresholds` (`queryCount` floats) holds
  /// each heap's threshold on entry and on return, so a caller offering block after block reads
  /// the heaps' thresholds once.
  static func offerRows(
    scores: UnsafePointer<Float>, rowCount: Int, queryCount: Int, lineStride: Int, firstRow: Int,
    deleted: UnsafePointer<UInt64>?, allowed: UnsafePointer<UInt64>?, heaps: ArraySlice<TopKHeap>,
    thresholds: UnsafeMutablePointer<Float>
  ) {
    var line = scores
    for r in 0..<rowCount {
      defer { line += lineStride }
      let row = firstRow + r
      if skips(row, deleted: deleted, allowed: allowed) { continue }
      for q in 0..<queryCount where !(line[q] <= thresholds[q]) {
        let heap = heaps[heaps.startIndex + q]
        heap.insert(line[q].isNaN ? .infinity : line[q], row: Int32(row))
        thresholds[q] = heap.threshold
      }
    }
  }

  /// Scores only the listed rows (gather), for small candidate sets; rows may come in any order (NaN
  /// kept as +infinity, as in ``scan(query:base:stride:range:deleted:allowed:heap:)``).
  static func gather(
    query: UnsafePointer<Float>, base: UnsafePointer<Float>, stride: Int, rows: UnsafeBufferPointer<Int32>,
    heap: TopKHeap
  ) {
    for row in rows {
      let dot = dot(query, base + Int(row) * stride, stride: stride)
      let s = dot.isNaN ? Float.infinity : dot
      // `>=`: a row tying the worst kept score still wins when its row number is lower.
      if s >= heap.threshold { heap.insert(s, row: row) }
    }
  }

  /// Integer dot product of two int8 code rows; the plain widening loop auto-vectorises
  /// (`vpmaddwd`), unlike generic SIMD integer conversions.
  @inline(__always) static func dotInt8(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, count: Int) -> Int32 {
    var s: Int32 = 0
    for i in 0..<count { s &+= Int32(a[i]) &* Int32(b[i]) }
    return s
  }
}

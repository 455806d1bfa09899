/// Hand-written dot-product kernels. Rows are padded to a multiple of 16 floats (64 bytes) with
/// zeros, so no kernel needs a scalar tail. Built with `-march=x86-64-v3` these compile to
/// `vfmadd231ps` on `ymm` registers (checked with objdump; see docs/INDEX-FORMAT.md).
enum ScanKernels {
  /// Rows scored per block before the top-k pass (scores stay in L1).
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

  /// Scores `count` consecutive rows starting at `rows` into `out`, four rows per pass so the query
  /// is loaded once for four FMA chains (eight independent ymm accumulators).
  static func scoreRows(
    query q: UnsafePointer<Float>, rows: UnsafePointer<Float>, stride: Int, count: Int,
    out: UnsafeMutablePointer<Float>
  ) {
    var r = 0
    while r + 4 <= count {
      let p0 = rows + r * stride
      let p1 = p0 + stride
      let p2 = p1 + stride
      let p3 = p2 + stride
      var a0 = SIMD16<Float>()
      var a1 = SIMD16<Float>()
      var a2 = SIMD16<Float>()
      var a3 = SIMD16<Float>()
      var i = 0
      while i < stride {
        let qv = load16(q, i)
        a0.addProduct(qv, load16(p0, i))
        a1.addProduct(qv, load16(p1, i))
        a2.addProduct(qv, load16(p2, i))
        a3.addProduct(qv, load16(p3, i))
        i += 16
      }
      out[r] = a0.sum()
      out[r + 1] = a1.sum()
      out[r + 2] = a2.sum()
      out[r + 3] = a3.sum()
      r += 4
    }
    while r < count {
      out[r] = dot(q, rows + r * stride, stride: stride)
      r += 1
    }
  }

  /// Streams rows `range` once, fusing scoring with the top-k heap. Rows whose bit is set in
  /// `deleted`, or clear in `allowed`, are skipped.
  static func scan(
    query: UnsafePointer<Float>, base: UnsafePointer<Float>, stride: Int, range: Range<Int>,
    deleted: UnsafePointer<UInt64>?, allowed: UnsafePointer<UInt64>?, heap: TopKHeap
  ) {
    withUnsafeTemporaryAllocation(of: Float.self, capacity: blockRows) { buffer in
      let scores = buffer.baseAddress!
      var start = range.lowerBound
      while start < range.upperBound {
        let n = min(blockRows, range.upperBound - start)
        scoreRows(query: query, rows: base + start * stride, stride: stride, count: n, out: scores)
        offer(scores: scores, count: n, firstRow: start, deleted: deleted, allowed: allowed, heap: heap)
        start += n
      }
    }
  }

  /// Offers `count` scores of rows `firstRow...` to `heap`, skipping deleted or disallowed rows.
  @inline(__always) static func offer(
    scores: UnsafePointer<Float>, count: Int, firstRow: Int,
    deleted: UnsafePointer<UInt64>?, allowed: UnsafePointer<UInt64>?, heap: TopKHeap
  ) {
    var threshold = heap.threshold
    for j in 0..<count where scores[j] > threshold {
      let row = firstRow + j
      if let deleted, deleted[row >> 6] & (1 << UInt64(row & 63)) != 0 { continue }
      if let allowed, allowed[row >> 6] & (1 << UInt64(row & 63)) == 0 { continue }
      heap.insert(scores[j], row: Int32(row))
      threshold = heap.threshold
    }
  }

  /// Scores only the listed rows (gather), for small candidate sets; rows may come in any order.
  static func gather(
    query: UnsafePointer<Float>, base: UnsafePointer<Float>, stride: Int, rows: UnsafeBufferPointer<Int32>,
    heap: TopKHeap
  ) {
    for row in rows {
      let s = dot(query, base + Int(row) * stride, stride: stride)
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

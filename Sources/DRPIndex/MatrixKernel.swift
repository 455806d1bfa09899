/// The batch kernel's matrix product: the scores of a block of index rows against a block of
/// queries, register-tiled by hand (6 rows × 16 queries per tile, 12 `SIMD8` accumulators, one
/// FMA per row and half-slice for each of the `stride` dimensions).
///
/// Why not `cblas_sgemm`: for this shape (many rows, tens of queries, d of a few hundred) OpenBLAS
/// packs every row block before multiplying it, which costs it ~15 % of its time, and its kernel
/// runs below its own square-matrix peak. Here the rows are read where they lie (each tile's six
/// rows stay in L1 while every query slice passes over them, the slices from L2), the queries are
/// packed once per batch. Measured on the 2-core Zen machine of BENCHMARKS.md ("Vector index"),
/// N = 100k, the kernels in one process: 1.2-1.7× OpenBLAS 0.3.21's sgemm per query for batches
/// of 16-64 at d = 384 and d = 768.
///
/// The scores are a matrix product's, like sgemm's: not the canonical scores of
/// `ScanKernels.dot` (the sum runs in another order); the batch search re-scores its candidates.
enum MatrixKernel {
  /// Rows per tile.
  static let tileRows = 6
  /// Queries per packed slice (the last slice of a block may be `halfSlice` wide).
  static let slice = 16
  /// Width of a narrow last slice.
  static let halfSlice = 8

  /// Queries per block once packed: `count` rounded up to a multiple of `halfSlice`.
  static func paddedCount(_ count: Int) -> Int { (count + halfSlice - 1) / halfSlice * halfSlice }

  /// Packs `count` queries of `stride` floats (row-major at `queries`) into `packed`
  /// (`paddedCount(count) * stride` floats): slices of 16 queries (the last possibly 8), each
  /// stored dimension by dimension (the slice's 16 values of dimension 0, then of dimension 1, …);
  /// padding queries are zero.
  static func pack(queries: UnsafePointer<Float>, count: Int, stride: Int, into packed: UnsafeMutablePointer<Float>) {
    let padded = paddedCount(count)
    var first = 0
    var out = packed
    while first < padded {
      let width = min(slice, padded - first)
      for d in 0..<stride {
        for j in 0..<width {
          let q = first + j
          out[d * width + j] = q < count ? queries[q * stride + d] : 0
        }
      }
      out += width * stride
      first += width
    }
  }

  /// Scores `rowCount` rows of `stride` floats at `rows` against the `paddedCount` packed queries
  /// at `packed`: row `r`, query `q` at `out[r * padded + q]` (`out` holds `rowCount * padded`
  /// floats). `scratch` holds `tileRows * stride` floats (the last, partial tile's rows, padded
  /// with zero rows).
  static func scores(
    rows: UnsafePointer<Float>, rowCount: Int, stride: Int, packed: UnsafePointer<Float>, padded: Int,
    scratch: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>
  ) {
    var r = 0
    while r + tileRows <= rowCount {
      tile(rows + r * stride, stride: stride, packed: packed, padded: padded, out: out + r * padded, outRows: tileRows)
      r += tileRows
    }
    guard r < rowCount else { return }
    let left = rowCount - r
    scratch.update(from: rows + r * stride, count: left * stride)
    (scratch + left * stride).update(repeating: 0, count: (tileRows - left) * stride)
    tile(UnsafePointer(scratch), stride: stride, packed: packed, padded: padded, out: out + r * padded, outRows: left)
  }

  /// One tile: six rows at `x` against every slice, the first `outRows` rows' scores written.
  @inline(__always) private static func tile(
    _ x: UnsafePointer<Float>, stride: Int, packed: UnsafePointer<Float>, padded: Int,
    out: UnsafeMutablePointer<Float>, outRows: Int
  ) {
    var first = 0
    var slicePointer = packed
    while first < padded {
      if padded - first >= slice {
        wide(x, stride: stride, q: slicePointer, out: out + first, outStride: padded, outRows: outRows)
        slicePointer += slice * stride
        first += slice
      } else {
        narrow(x, stride: stride, q: slicePointer, out: out + first, outStride: padded, outRows: outRows)
        slicePointer += halfSlice * stride
        first += halfSlice
      }
    }
  }

  @inline(__always) private static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always) private static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
  }

  /// Six rows × a 16-query slice.
  @inline(__always) private static func wide(
    _ x: UnsafePointer<Float>, stride: Int, q: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, outStride: Int,
    outRows: Int
  ) {
    var a00 = SIMD8<Float>()
    var a01 = SIMD8<Float>()
    var a10 = SIMD8<Float>()
    var a11 = SIMD8<Float>()
    var a20 = SIMD8<Float>()
    var a21 = SIMD8<Float>()
    var a30 = SIMD8<Float>()
    var a31 = SIMD8<Float>()
    var a40 = SIMD8<Float>()
    var a41 = SIMD8<Float>()
    var a50 = SIMD8<Float>()
    var a51 = SIMD8<Float>()
    let x0 = x
    let x1 = x + stride
    let x2 = x + 2 * stride
    let x3 = x + 3 * stride
    let x4 = x + 4 * stride
    let x5 = x + 5 * stride
    var qp = q
    for d in 0..<stride {
      let q0 = load8(qp)
      let q1 = load8(qp + 8)
      qp += 16
      var b = SIMD8<Float>(repeating: x0[d])
      a00.addProduct(b, q0)
      a01.addProduct(b, q1)
      b = SIMD8<Float>(repeating: x1[d])
      a10.addProduct(b, q0)
      a11.addProduct(b, q1)
      b = SIMD8<Float>(repeating: x2[d])
      a20.addProduct(b, q0)
      a21.addProduct(b, q1)
      b = SIMD8<Float>(repeating: x3[d])
      a30.addProduct(b, q0)
      a31.addProduct(b, q1)
      b = SIMD8<Float>(repeating: x4[d])
      a40.addProduct(b, q0)
      a41.addProduct(b, q1)
      b = SIMD8<Float>(repeating: x5[d])
      a50.addProduct(b, q0)
      a51.addProduct(b, q1)
    }
    storeRows(a00, a10, a20, a30, a40, a50, out: out, outStride: outStride, outRows: outRows)
    storeRows(a01, a11, a21, a31, a41, a51, out: out + 8, outStride: outStride, outRows: outRows)
  }

  /// Six rows × an 8-query slice.
  @inline(__always) private static func narrow(
    _ x: UnsafePointer<Float>, stride: Int, q: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>, outStride: Int,
    outRows: Int
  ) {
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var a3 = SIMD8<Float>()
    var a4 = SIMD8<Float>()
    var a5 = SIMD8<Float>()
    var qp = q
    for d in 0..<stride {
      let q0 = load8(qp)
      qp += 8
      a0.addProduct(SIMD8<Float>(repeating: x[d]), q0)
      a1.addProduct(SIMD8<Float>(repeating: x[stride + d]), q0)
      a2.addProduct(SIMD8<Float>(repeating: x[2 * stride + d]), q0)
      a3.addProduct(SIMD8<Float>(repeating: x[3 * stride + d]), q0)
      a4.addProduct(SIMD8<Float>(repeating: x[4 * stride + d]), q0)
      a5.addProduct(SIMD8<Float>(repeating: x[5 * stride + d]), q0)
    }
    storeRows(a0, a1, a2, a3, a4, a5, out: out, outStride: outStride, outRows: outRows)
  }

  /// Stores the first `outRows` of a tile's six 8-query score vectors, one output line apart.
  @inline(__always) private static func storeRows(
    _ a0: SIMD8<Float>, _ a1: SIMD8<Float>, _ a2: SIMD8<Float>, _ a3: SIMD8<Float>, _ a4: SIMD8<Float>,
    _ a5: SIMD8<Float>, out: UnsafeMutablePointer<Float>, outStride: Int, outRows: Int
  ) {
    store8(a0, out)
    if outRows > 1 { store8(a1, out + outStride) }
    if outRows > 2 { store8(a2, out + 2 * outStride) }
    if outRows > 3 { store8(a3, out + 3 * outStride) }
    if outRows > 4 { store8(a4, out + 4 * outStride) }
    if outRows > 5 { store8(a5, out + 5 * outStride) }
  }
}

import CBLAS
import Foundation

/// The rows a search may return.
enum Candidates {
  case all
  case rows([Int32])
  case mask(RowBitset)
}

extension IndexStorage {
  /// Threads used for large scans and batches.
  static let threadCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
  /// Scans over fewer floats than this stay on one thread (thread start-up ~10-20 µs vs ~100 µs scan).
  static let parallelMinFloats = 1 << 19
  /// Smallest batch answered with a matrix product. Measured by `drp-bench index` (its
  /// "switch-over" line, N=100k d=384, 2 threads, BENCHMARKS.md): ms per query perQuery|tiled|sgemm
  /// on 2026-12-05 was nq=2 7.5|8.1|8.4, nq=4 6.4|4.0|4.3, nq=8 6.4|2.0|2.6 (sgemm alone on
  /// 2026-11-27: nq=2 6.3|6.5, nq=4 6.5|3.7): the SIMD scan costs the same per query at any batch
  /// size, a product's cost per query halves with each doubling, and the products first win clearly
  /// at nq=4.
  static let matrixMinBatch = 4
  /// A candidate set smaller than rows/32 is gathered row by row instead of masked.
  static let gatherDivisor = 32
  /// Bytes of rows per matrix block: ~1,024 rows at d = 384 (1.5 MiB). A row block is used by every
  /// query block (512 queries each) and should stay in cache meanwhile, so it is sized in bytes:
  /// 1,024 rows at d = 768 would be 3 MiB per thread, 6 MiB for two plus their query blocks, more
  /// than this machine's 8 MiB L3 (BENCHMARKS.md, "Vector index", has the d = 768 figures).
  static let matrixBlockBytes = 1024 * 384 * 4
  /// Rows per matrix block for this index's row size (a multiple of `MatrixKernel.tileRows`).
  var matrixBlockRows: Int {
    max(128, Self.matrixBlockBytes / (stride * 4)) / MatrixKernel.tileRows * MatrixKernel.tileRows
  }
  /// Queries per sgemm block.
  static let matrixBlockQueries = 512
  /// Bytes of packed queries per block of the tiled kernel: 128 queries at d = 384 (192 KiB), so a
  /// block's slices stay in this machine's 512 KiB L2 while they pass over the rows (nq = 1,000 at
  /// d = 384: ~800-850 queries/s against ~740-760 with blocks of 512).
  static let tiledBlockBytes = 128 * 384 * 4
  /// Queries per block of the tiled kernel for this index's row size (a multiple of 16).
  var tiledBlockQueries: Int { max(16, Self.tiledBlockBytes / (stride * 4)) / 16 * 16 }

  /// Resolves a filter to candidate rows (dropping unknown and deleted ids).
  func candidates(_ filter: SearchFilter?) throws -> Candidates {
    guard let filter else { return .all }
    var rowList: [Int32]
    switch filter.kind {
    case .ids(let list):
      rowList = list.compactMap { liveRow(of: $0).map(Int32.init) }
      rowList = Array(Set(rowList)).sorted()
    case .bitmap(let bitmap):
      guard bitmap.generation == generation else { throw IndexError.staleBitmap }
      if bitmap.count * Self.gatherDivisor >= rows {
        var mask = bitmap.bits
        mask.reserve(rows: capacity)
        return .mask(mask)
      }
      rowList = bitmap.bits.rows.filter { Int($0) < rows && !deleted.contains(Int($0)) }
    }
    if rowList.count * Self.gatherDivisor >= rows {
      var mask = RowBitset(rows: capacity)
      for row in rowList { mask.insert(Int(row)) }
      return .mask(mask)
    }
    return .rows(rowList)
  }

  /// Top `want` rows for one normalised, padded query.
  func search(query: UnsafePointer<Float>, want: Int, candidates: Candidates, threads: Int) -> TopKHeap {
    switch candidates {
    case .rows(let list):
      let heap = TopKHeap(capacity: want)
      list.withUnsafeBufferPointer {
        ScanKernels.gather(query: query, base: floats, stride: stride, rows: $0, heap: heap)
      }
      return heap
    case .all:
      return scanAll(query: query, want: want, allowed: nil, threads: threads)
    case .mask(let mask):
      return mask.words.withUnsafeBufferPointer {
        scanAll(query: query, want: want, allowed: $0.baseAddress, threads: threads)
      }
    }
  }

  /// Bytes of rows per chunk of a parallel scan (about 0.1-0.4 ms of streaming).
  static let scanChunkBytes = 4 << 20

  /// Scans every row (optionally masked). Large indexes are cut into chunks of `scanChunkBytes`
  /// that the threads claim one after the other (`Parallel.chunks`), each thread into its own
  /// heap, merged at the end: when another process takes a core, the other thread scans more
  /// chunks instead of the query waiting for a fixed half. The result does not depend on the
  /// split (the heap's order is total: score, then row).
  private func scanAll(query: UnsafePointer<Float>, want: Int, allowed: UnsafePointer<UInt64>?, threads: Int)
    -> TopKHeap
  {
    let n = rows
    let parallel = threads > 1 && rows * stride >= Self.parallelMinFloats
    let chunks = parallel ? max(threads, min(n / ScanKernels.blockRows, rows * stride * 4 / Self.scanChunkBytes)) : 1
    return deleted.words.withUnsafeBufferPointer { deletedWords in
      let dead = tombstones > 0 ? deletedWords.baseAddress : nil
      let heaps = (0..<min(threads, chunks)).map { _ in TopKHeap(capacity: quantized ? Self.rerankDepth(want) : want) }
      Parallel.chunks(chunks, threads: threads) { thread, chunk in
        let range = (n * chunk / chunks)..<(n * (chunk + 1) / chunks)
        if self.quantized {
          self.scanInt8(query: query, range: range, deleted: dead, allowed: allowed, heap: heaps[thread])
        } else {
          ScanKernels.scan(
            query: query, base: self.floats, stride: self.stride, range: range, deleted: dead, allowed: allowed,
            heap: heaps[thread])
        }
      }
      for t in 1..<heaps.count { heaps[0].merge(heaps[t]) }
      return quantized ? rerank(query: query, candidates: heaps[0], want: want) : heaps[0]
    }
  }

  /// Candidates kept by the int8 scan before exact re-ranking.
  static func rerankDepth(_ k: Int) -> Int { max(4 * k, k + 64) }

  /// Int8 scan: approximate scores into `heap` (of `rerankDepth` entries).
  private func scanInt8(
    query: UnsafePointer<Float>, range: Range<Int>, deleted: UnsafePointer<UInt64>?,
    allowed: UnsafePointer<UInt64>?, heap: TopKHeap
  ) {
    guard let codeBytes, let rowScales else { return }
    let width = codeStride
    withUnsafeTemporaryAllocation(of: Int8.self, capacity: width) { queryCodes in
      queryCodes.initialize(repeating: 0)
      _ = Int8Quantizer.encode(
        UnsafeBufferPointer(start: query, count: dimension), into: queryCodes.baseAddress!)
      let q = UnsafePointer(queryCodes.baseAddress!)
      withUnsafeTemporaryAllocation(of: Float.self, capacity: ScanKernels.blockRows) { buffer in
        let scores = buffer.baseAddress!
        var start = range.lowerBound
        while start < range.upperBound {
          let n = min(ScanKernels.blockRows, range.upperBound - start)
          for j in 0..<n {
            let row = start + j
            scores[j] = Float(ScanKernels.dotInt8(q, codeBytes + row * width, count: width)) * rowScales[row]
          }
          ScanKernels.offer(
            scores: scores, count: n, firstRow: start, deleted: deleted, allowed: allowed, heap: heap)
          start += n
        }
      }
    }
  }

  /// Exact float scores for the int8 candidates; keeps the best `want`.
  private func rerank(query: UnsafePointer<Float>, candidates: TopKHeap, want: Int) -> TopKHeap {
    let heap = TopKHeap(capacity: want)
    let rowList = candidates.sorted().map(\.row)
    rowList.withUnsafeBufferPointer {
      ScanKernels.gather(query: query, base: floats, stride: stride, rows: $0, heap: heap)
    }
    return heap
  }

  /// Top `want` rows for `count` padded queries stored contiguously at `queries`: the same rows and
  /// the same (bit-identical) scores as `search(query:want:candidates:threads:)` for each query.
  func searchBatch(
    queries: UnsafePointer<Float>, count nq: Int, want: Int, candidates: Candidates, kernel: BatchKernel
  ) -> [TopKHeap] {
    let product: MatrixProduct?
    switch kernel {
    case .automatic: product = nq >= Self.matrixMinBatch && !quantized ? .tiled : nil
    case .perQuery: product = nil
    case .tiled: product = quantized ? nil : .tiled
    case .matrix: product = quantized ? nil : .blas
    }
    if case .rows = candidates {
      return perQuery(queries: queries, count: nq, want: want, candidates: candidates)
    }
    guard let product, rows > 0 else {
      return perQuery(queries: queries, count: nq, want: want, candidates: candidates)
    }
    let heaps: [TopKHeap]
    if case .mask(let mask) = candidates {
      heaps = mask.words.withUnsafeBufferPointer {
        matrix(queries: queries, count: nq, depth: Self.matrixDepth(want), allowed: $0.baseAddress, product: product)
      }
    } else {
      heaps = matrix(queries: queries, count: nq, depth: Self.matrixDepth(want), allowed: nil, product: product)
    }
    return (0..<nq).map {
      rescore(query: queries + $0 * stride, approximate: heaps[$0], want: want, candidates: candidates)
    }
  }

  /// Candidates per query kept by the matrix pass: `want` plus room for near-ties, so the rows of
  /// the exact top `want` survive its rounding (see `rescore`).
  static func matrixDepth(_ want: Int) -> Int { want + max(16, want / 4) }

  /// How far a matrix-product score (tiled or sgemm) may be from the canonical score of the same
  /// row (both are dot products of unit vectors with `stride` terms, each within γ·Σ|qᵢrᵢ| ≤ γ of
  /// the exact value, γ ≈ stride·2⁻²⁴; the bound is rounded up).
  var matrixScoreError: Float { 2.5 * Float(stride) * Float.ulpOfOne / 2 }

  /// The exact top `want` from matrix-product candidates: each candidate is scored again with the
  /// canonical kernel. When the candidates cannot be shown to contain every row of the exact top
  /// `want` (more than `matrixDepth` rows within the rounding margin of the cut), the query is
  /// scanned again.
  private func rescore(query: UnsafePointer<Float>, approximate: TopKHeap, want: Int, candidates: Candidates)
    -> TopKHeap
  {
    let ranked = approximate.sorted()
    if ranked.count == approximate.capacity {
      // Rows left out score at most ranked.last; rows of the exact top `want` score at least
      // the `want`-th approximate score minus twice the error.
      let cut = ranked[want - 1].score - 2 * matrixScoreError
      if ranked[ranked.count - 1].score >= cut {
        return search(query: query, want: want, candidates: candidates, threads: 1)
      }
    }
    let heap = TopKHeap(capacity: want)
    ranked.map(\.row).withUnsafeBufferPointer {
      ScanKernels.gather(query: query, base: floats, stride: stride, rows: $0, heap: heap)
    }
    return heap
  }

  /// One scan per query: parallel inside each scan for large indexes, across queries otherwise.
  private func perQuery(queries: UnsafePointer<Float>, count nq: Int, want: Int, candidates: Candidates)
    -> [TopKHeap]
  {
    if rows * stride >= Self.parallelMinFloats || nq == 1 {
      return (0..<nq).map {
        search(query: queries + $0 * stride, want: want, candidates: candidates, threads: Self.threadCount)
      }
    }
    let results = UnsafeMutableBufferPointer<TopKHeap?>.allocate(capacity: nq)
    results.initialize(repeating: nil)
    defer { results.deallocate() }
    Parallel.run(Self.threadCount) { t in
      for q in Swift.stride(from: t, to: nq, by: Self.threadCount) {
        results[q] = search(query: queries + q * stride, want: want, candidates: candidates, threads: 1)
      }
    }
    return results.map { $0! }
  }

  /// How `matrix` multiplies a row block by a query block.
  enum MatrixProduct {
    /// `MatrixKernel`: register-tiled SIMD, queries packed once per batch.
    case tiled
    /// `cblas_sgemm` (C = X_block · Qᵀ), OpenBLAS asked to use one thread per call
    /// (`BLASRuntime`) so the two levels of threading do not fight.
    case blas
  }

  /// Blocked matrix product: the threads claim row blocks one after the other
  /// (`Parallel.chunks`), multiply each by the query blocks (a row's scores for all queries side by
  /// side) and merge the scores into their own per-query heaps of `depth` entries; the per-thread
  /// heaps are merged at the end. The scores are the product's, not yet the canonical ones
  /// (`rescore`). For `.blas` the rows are sgemm's first operand: OpenBLAS runs this shape faster
  /// than Q · Xᵀ (0-24 % by batch size at N = 100k, d = 384; BENCHMARKS.md, "Vector index").
  private func matrix(
    queries: UnsafePointer<Float>, count nq: Int, depth: Int, allowed: UnsafePointer<UInt64>?, product: MatrixProduct
  ) -> [TopKHeap] {
    if product == .blas { BLASRuntime.useSingleThreadedCalls() }
    let n = rows
    let blockRows = matrixBlockRows
    let blocks = (n + blockRows - 1) / blockRows
    let threads = max(1, min(Self.threadCount, blocks))
    let heaps = (0..<threads).map { _ in (0..<nq).map { _ in TopKHeap(capacity: depth) } }
    let qBlock = min(nq, product == .tiled ? tiledBlockQueries : Self.matrixBlockQueries)
    let qStride = product == .tiled ? MatrixKernel.paddedCount(qBlock) : qBlock
    // The tiled product's queries, packed block by block, once for every row block.
    let queryBlocks = (nq + qBlock - 1) / qBlock
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: product == .tiled ? queryBlocks * qStride * stride : 0)
    if product == .tiled {
      for b in 0..<queryBlocks {
        MatrixKernel.pack(
          queries: queries + b * qBlock * stride, count: min(qBlock, nq - b * qBlock), stride: stride,
          into: packed + b * qStride * stride)
      }
    }
    let scores = (0..<threads).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: qStride * blockRows) }
    let scratch = (0..<threads).map { _ in
      UnsafeMutablePointer<Float>.allocate(capacity: MatrixKernel.tileRows * stride)
    }
    let thresholds = (0..<threads).map { _ in
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: nq)
      buffer.initialize(repeating: -.infinity, count: nq)
      return buffer
    }
    defer {
      packed.deallocate()
      for buffer in scores + scratch + thresholds { buffer.deallocate() }
    }
    deleted.words.withUnsafeBufferPointer { deletedWords in
      let dead = tombstones > 0 ? deletedWords.baseAddress : nil
      Parallel.chunks(blocks, threads: threads) { thread, block in
        let r0 = block * blockRows
        let nr = min(blockRows, n - r0)
        for b in 0..<queryBlocks {
          let q0 = b * qBlock
          let nb = min(qBlock, nq - q0)
          let lineStride: Int
          switch product {
          case .tiled:
            lineStride = MatrixKernel.paddedCount(nb)
            MatrixKernel.scores(
              rows: floats + r0 * stride, rowCount: nr, stride: stride, packed: packed + b * qStride * stride,
              padded: lineStride, scratch: scratch[thread], into: scores[thread])
          case .blas:
            lineStride = nb
            cblas_sgemm(
              CblasRowMajor, CblasNoTrans, CblasTrans, Int32(nr), Int32(nb), Int32(stride), 1,
              floats + r0 * stride, Int32(stride), queries + q0 * stride, Int32(stride), 0, scores[thread], Int32(nb))
          }
          ScanKernels.offerRows(
            scores: scores[thread], rowCount: nr, queryCount: nb, lineStride: lineStride, firstRow: r0, deleted: dead,
            allowed: allowed, heaps: heaps[thread][q0..<(q0 + nb)], thresholds: thresholds[thread] + q0)
        }
      }
    }
    for t in 1..<threads { for q in 0..<nq { heaps[0][q].merge(heaps[t][q]) } }
    return heaps[0]
  }
}

/// Which batch kernel to use; `.automatic` picks by batch size (see `IndexStorage.matrixMinBatch`).
public enum BatchKernel: Sendable {
  /// One scan per query below the measured switch-over, `.tiled` from there.
  case automatic
  /// One SIMD scan per query.
  case perQuery
  /// Hand-written register-tiled matrix product (`MatrixKernel`) over row blocks × query blocks,
  /// top-k merged per block.
  case tiled
  /// Blocked `cblas_sgemm` over row blocks × query blocks, top-k merged per block.
  case matrix
}

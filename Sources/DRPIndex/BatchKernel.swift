/// Which batch kernel to use; `.automatic` picks by batch size (see `IndexStorage.matrixMinBatch`).
public enum BatchKernel: Sendable {
  /// Measured switch-over between the two below.
  case automatic
  /// One SIMD scan per query.
  case perQuery
  /// Blocked `cblas_sgemm` over query blocks × row blocks, top-k merged per block.
  case matrix
}

/// A candidate set resolved to index rows (one bit per row), made by
/// `VectorIndex.candidateBitmap(for:)`. Valid until the index is compacted (then searches throw
/// `IndexError.staleBitmap`); rows added later are simply not candidates.
public struct CandidateBitmap: Sendable, Equatable {
  let bits: RowBitset
  let generation: Int
  /// Number of candidate rows.
  public let count: Int

  init(bits: RowBitset, generation: Int) {
    self.bits = bits
    self.generation = generation
    count = bits.count
  }
}

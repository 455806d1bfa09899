// Index file images for the fuzz targets: checksums stamped so that structure, not the checksum, is tested.

extension VectorIndex {
  /// Recomputes, in place, the checksum of the header and id table of an index file image whose
  /// header says where the vectors start, so that the reader's structural checks decide whether
  /// the file is read (a random image otherwise never gets past the checksum). For the fuzz
  /// targets (`Fuzz/`) and their regression tests; images too short for a header are left alone.
  package static func restampHeaderChecksum(_ image: inout [UInt8]) {
    guard image.count >= IndexFile.headerSize else { return }
    let vectors = image.withUnsafeBytes {
      Int(truncatingIfNeeded: UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 88, as: UInt64.self)))
    }
    guard vectors >= IndexFile.checksumRange.upperBound, vectors <= image.count else { return }
    image.withUnsafeMutableBytes { raw in
      let sum = IndexFile.metaChecksum(UnsafeRawPointer(raw.baseAddress!), vectorsOffset: vectors)
      raw.storeBytes(of: sum.littleEndian, toByteOffset: IndexFile.checksumRange.lowerBound, as: UInt64.self)
    }
  }
}

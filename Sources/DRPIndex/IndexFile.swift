import Foundation

/// The versioned binary index format (docs/INDEX-FORMAT.md, "Vector index"): a 256-byte
/// little-endian header, the id table (offsets, UTF-8 bytes, hash slots), the tombstone bitmap,
/// then 64-byte-aligned float rows and the optional int8 codes and scales.
enum IndexFile {
  static let magic: [UInt8] = Array("DRPVIDX\0".utf8)
  static let version: UInt32 = 1
  static let headerSize = 256
  /// Byte range of the two checksums inside the header (excluded from the metadata checksum).
  static let checksumRange = 128..<144
  static let quantizedFlag: UInt32 = 1

  /// Header field offsets.
  private enum Field {
    static let version = 8, flags = 12, dimension = 16, stride = 20, rows = 24, tombstones = 32
    static let offsets = 40, idBytes = 48, idBytesLength = 56, slots = 64, slotCount = 72
    static let deleted = 80, vectors = 88, codes = 96, codeStride = 104, scales = 112, fileLength = 120
    static let metaChecksum = 128, payloadChecksum = 136
  }

  private static func align(_ value: Int, _ to: Int) -> Int { (value + to - 1) / to * to }

  /// The section layout for `rows` rows.
  private struct Layout {
    var offsets = 0, idBytes = 0, idBytesLength = 0, slots = 0, slotCount = 0, deleted = 0
    var vectors = 0, codes = 0, scales = 0, fileLength = 0

    init(rows: Int, idBytesLength: Int, stride: Int, codeStride: Int, quantized: Bool) {
      offsets = IndexFile.headerSize
      idBytes = offsets + (rows + 1) * 8
      self.idBytesLength = idBytesLength
      slots = IndexFile.align(idBytes + idBytesLength, 8)
      slotCount = max(16, 1 << (Int.bitWidth - (max(rows, 1) * 2 - 1).leadingZeroBitCount))
      deleted = IndexFile.align(slots + slotCount * 4, 8)
      vectors = IndexFile.align(deleted + (rows + 63) / 64 * 8, 64)
      fileLength = vectors + rows * stride * 4
      if quantized {
        codes = IndexFile.align(fileLength, 64)
        scales = codes + rows * codeStride
        fileLength = scales + rows * 4
      }
    }
  }

  // MARK: Writing

  /// Writes `storage` to `path` atomically (temp file, fsync, rename, fsync directory).
  static func write(_ storage: IndexStorage, path: String) throws {
    let rows = storage.rows
    var idBlob: [UInt8] = []
    var offsets: [UInt64] = [0]
    offsets.reserveCapacity(rows + 1)
    for row in 0..<rows {
      idBlob.append(contentsOf: storage.ids.id(row).utf8)
      offsets.append(UInt64(idBlob.count))
    }
    let layout = Layout(
      rows: rows, idBytesLength: idBlob.count, stride: storage.stride, codeStride: storage.codeStride,
      quantized: storage.quantized)
    var slots = [UInt32](repeating: 0, count: layout.slotCount)
    let mask = layout.slotCount - 1
    idBlob.withUnsafeBufferPointer { blob in
      for row in 0..<rows where !storage.deleted.contains(row) {
        let bytes = UnsafeBufferPointer(rebasing: blob[Int(offsets[row])..<Int(offsets[row + 1])])
        var slot = Int(truncatingIfNeeded: IdTable.slotHash(bytes)) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(row + 1)
      }
    }
    var deletedWords = storage.deleted.words
    deletedWords = Array(deletedWords.prefix((rows + 63) / 64))
    deletedWords.append(contentsOf: repeatElement(0, count: (rows + 63) / 64 - deletedWords.count))

    var meta = [UInt8](repeating: 0, count: layout.vectors)
    meta.withUnsafeMutableBytes { out in
      func put<T: FixedWidthInteger>(_ value: T, _ offset: Int) {
        out.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
      }
      for (i, byte) in magic.enumerated() { out[i] = byte }
      put(version, Field.version)
      put(storage.quantized ? quantizedFlag : 0, Field.flags)
      put(UInt32(storage.dimension), Field.dimension)
      put(UInt32(storage.stride), Field.stride)
      put(UInt64(rows), Field.rows)
      put(UInt64(storage.tombstones), Field.tombstones)
      put(UInt64(layout.offsets), Field.offsets)
      put(UInt64(layout.idBytes), Field.idBytes)
      put(UInt64(layout.idBytesLength), Field.idBytesLength)
      put(UInt64(layout.slots), Field.slots)
      put(UInt64(layout.slotCount), Field.slotCount)
      put(UInt64(layout.deleted), Field.deleted)
      put(UInt64(layout.vectors), Field.vectors)
      put(UInt64(layout.codes), Field.codes)
      put(UInt32(storage.codeStride), Field.codeStride)
      put(UInt64(layout.scales), Field.scales)
      put(UInt64(layout.fileLength), Field.fileLength)
      for (i, value) in offsets.enumerated() { put(value, layout.offsets + i * 8) }
      idBlob.withUnsafeBytes {
        out.baseAddress!.advanced(by: layout.idBytes).copyMemory(
          from: $0.baseAddress ?? UnsafeRawPointer(out.baseAddress!), byteCount: $0.count)
      }
      for (i, value) in slots.enumerated() { put(value, layout.slots + i * 4) }
      for (i, value) in deletedWords.enumerated() { put(value, layout.deleted + i * 8) }
    }
    var sections: [(UnsafeRawPointer, Int, Int)] = [
      (UnsafeRawPointer(storage.vectors.base), layout.vectors, rows * storage.stride * 4)
    ]
    if let codes = storage.codes, let scales = storage.scales {
      sections.append((UnsafeRawPointer(codes.base), layout.codes, rows * storage.codeStride))
      sections.append((UnsafeRawPointer(scales.base), layout.scales, rows * 4))
    }
    let payload = payloadChecksum(sections: sections, start: layout.vectors, end: layout.fileLength)
    let metaSum = meta.withUnsafeBytes { metaChecksum($0.baseAddress!, vectorsOffset: layout.vectors) }
    meta.withUnsafeMutableBytes {
      $0.storeBytes(of: metaSum.littleEndian, toByteOffset: Field.metaChecksum, as: UInt64.self)
      $0.storeBytes(of: payload.littleEndian, toByteOffset: Field.payloadChecksum, as: UInt64.self)
    }

    let temporary = path + ".tmp-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw IndexError.io(path: temporary, operation: "create", errno: errno) }
    var closed = false
    defer {
      if !closed {
        close(fd)
        unlink(temporary)
      }
    }
    try meta.withUnsafeBytes { try writeAll(fd, $0.baseAddress!, $0.count, temporary) }
    var position = layout.vectors
    for (pointer, offset, length) in sections {
      if offset > position {
        try writeAll(fd, [UInt8](repeating: 0, count: offset - position), offset - position, temporary)
      }
      try writeAll(fd, pointer, length, temporary)
      position = offset + length
    }
    guard fsync(fd) == 0 else { throw IndexError.io(path: temporary, operation: "fsync", errno: errno) }
    closed = true
    guard close(fd) == 0 else { throw IndexError.io(path: temporary, operation: "close", errno: errno) }
    guard rename(temporary, path) == 0 else {
      let code = errno
      unlink(temporary)
      throw IndexError.io(path: path, operation: "rename", errno: code)
    }
    let directory = (path as NSString).deletingLastPathComponent
    let dirFd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
    if dirFd >= 0 {
      defer { close(dirFd) }
      guard fsync(dirFd) == 0 else { throw IndexError.io(path: directory, operation: "fsync directory", errno: errno) }
    }
  }

  private static func writeAll(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int, _ path: String) throws {
    var done = 0
    while done < count {
      let n = Foundation.write(fd, pointer + done, min(count - done, 1 << 30))
      if n < 0 {
        if errno == EINTR { continue }
        throw IndexError.io(path: path, operation: "write", errno: errno)
      }
      done += n
    }
  }

  /// Checksum of the header (without the checksum fields) and the id/tombstone sections.
  static func metaChecksum(_ base: UnsafeRawPointer, vectorsOffset: Int) -> UInt64 {
    let head = Checksum64.hash(base, count: checksumRange.lowerBound)
    return Checksum64.hash(
      base + checksumRange.upperBound, count: vectorsOffset - checksumRange.upperBound, seed: head)
  }

  /// Checksum of file bytes [start, end) given as sections with zero padding between them.
  private static func payloadChecksum(sections: [(UnsafeRawPointer, Int, Int)], start: Int, end: Int) -> UInt64 {
    var seed: UInt64 = 0
    var position = start
    let zeros = [UInt8](repeating: 0, count: 64)
    for (pointer, offset, length) in sections {
      if offset > position {
        seed = zeros.withUnsafeBytes { Checksum64.hash($0.baseAddress!, count: offset - position, seed: seed) }
      }
      seed = Checksum64.hash(pointer, count: length, seed: seed)
      position = offset + length
    }
    return seed
  }

  // MARK: Reading

  /// What the checksum cannot vouch for (a file written by a faulty or hostile writer has a
  /// valid one): id offsets ascending within the id bytes, hash slots naming existing rows, and
  /// at least one empty slot (lookups stop at one). Reads the bytes the checksum just read.
  private static func checkIdTable(_ base: UnsafeRawPointer, layout: Layout, rows: Int, path: String) throws {
    let offsets = (base + layout.offsets).assumingMemoryBound(to: UInt64.self)
    var previous: UInt64 = 0
    for row in 0...rows {
      let offset = UInt64(littleEndian: offsets[row])
      guard offset >= previous, offset <= UInt64(layout.idBytesLength) else {
        throw IndexError.corruptHeader(path: path, reason: "id table offsets out of order at row \(row)")
      }
      previous = offset
    }
    let slots = (base + layout.slots).assumingMemoryBound(to: UInt32.self)
    var empty = 0
    for slot in 0..<layout.slotCount {
      let value = Int(UInt32(littleEndian: slots[slot]))
      guard value <= rows else {
        throw IndexError.corruptHeader(path: path, reason: "id hash slot \(slot) names row \(value - 1) of \(rows)")
      }
      if value == 0 { empty += 1 }
    }
    guard empty > 0 else { throw IndexError.corruptHeader(path: path, reason: "id hash table has no empty slot") }
  }

  /// Maps and validates the file at `path`.
  static func read(path: String, verifyPayload: Bool) throws -> IndexStorage {
    let file = try MappedFile(path: path)
    let base = UnsafeRawPointer(file.base)
    guard file.size >= headerSize else {
      if file.size >= magic.count
        && !zip(magic, UnsafeRawBufferPointer(start: base, count: magic.count)).allSatisfy({ $0 == $1 })
      {
        throw IndexError.badMagic(path: path)
      }
      throw IndexError.truncatedFile(path: path, expectedBytes: headerSize, actualBytes: file.size)
    }
    guard zip(magic, UnsafeRawBufferPointer(start: base, count: magic.count)).allSatisfy({ $0 == $1 }) else {
      throw IndexError.badMagic(path: path)
    }
    func u32(_ offset: Int) -> Int {
      Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }
    func u64(_ offset: Int) -> Int {
      Int(truncatingIfNeeded: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
    }
    let fileVersion = UInt32(u32(Field.version))
    guard fileVersion == version else { throw IndexError.unsupportedVersion(path: path, version: fileVersion) }
    let fileLength = u64(Field.fileLength)
    guard fileLength == file.size else {
      throw IndexError.truncatedFile(path: path, expectedBytes: fileLength, actualBytes: file.size)
    }
    let flags = UInt32(u32(Field.flags))
    let quantized = flags & quantizedFlag != 0
    let dimension = u32(Field.dimension)
    let rows = u64(Field.rows)
    let tombstones = u64(Field.tombstones)
    guard dimension > 0, u32(Field.stride) == IndexStorage.stride(for: dimension),
      !quantized || u32(Field.codeStride) == IndexStorage.codeStride(for: dimension),
      rows >= 0, rows < Int(Int32.max), tombstones >= 0, tombstones <= rows, flags & ~quantizedFlag == 0
    else { throw IndexError.corruptHeader(path: path, reason: "inconsistent dimension, row count or flags") }
    let idBytesLength = u64(Field.idBytesLength)
    guard idBytesLength >= 0, idBytesLength <= file.size, rows <= file.size / 8,
      rows.multipliedReportingOverflow(by: IndexStorage.stride(for: dimension) * 4).partialValue <= file.size
    else { throw IndexError.corruptHeader(path: path, reason: "row count or id table length exceeds the file") }
    let layout = Layout(
      rows: rows, idBytesLength: idBytesLength, stride: IndexStorage.stride(for: dimension),
      codeStride: IndexStorage.codeStride(for: dimension), quantized: quantized)
    guard layout.offsets == u64(Field.offsets), layout.idBytes == u64(Field.idBytes), layout.slots == u64(Field.slots),
      layout.slotCount == u64(Field.slotCount), layout.deleted == u64(Field.deleted),
      layout.vectors == u64(Field.vectors), layout.codes == u64(Field.codes), layout.scales == u64(Field.scales),
      layout.fileLength == fileLength, layout.idBytesLength >= 0
    else { throw IndexError.corruptHeader(path: path, reason: "section offsets do not match the row count") }
    guard metaChecksum(base, vectorsOffset: layout.vectors) == UInt64(truncatingIfNeeded: u64(Field.metaChecksum))
    else {
      throw IndexError.checksumMismatch(path: path, section: "header and id table")
    }
    let offsets = (base + layout.offsets).assumingMemoryBound(to: UInt64.self)
    guard offsets[0] == 0, offsets[rows] == UInt64(layout.idBytesLength) else {
      throw IndexError.corruptHeader(path: path, reason: "id table offsets out of range")
    }
    try checkIdTable(base, layout: layout, rows: rows, path: path)
    let stride = IndexStorage.stride(for: dimension)
    let codeStride = IndexStorage.codeStride(for: dimension)
    if verifyPayload {
      var sections: [(UnsafeRawPointer, Int, Int)] = [(base + layout.vectors, layout.vectors, rows * stride * 4)]
      if quantized {
        sections.append((base + layout.codes, layout.codes, rows * codeStride))
        sections.append((base + layout.scales, layout.scales, rows * 4))
      }
      guard
        payloadChecksum(sections: sections, start: layout.vectors, end: fileLength)
          == UInt64(truncatingIfNeeded: u64(Field.payloadChecksum))
      else { throw IndexError.checksumMismatch(path: path, section: "vectors") }
    }
    let words = (rows + 63) / 64
    let deletedWords = Array(
      UnsafeBufferPointer(start: (base + layout.deleted).assumingMemoryBound(to: UInt64.self), count: words))
    let deleted = RowBitset(words: deletedWords)
    guard deleted.count == tombstones, rows % 64 == 0 || deletedWords.last.map({ $0 >> UInt64(rows % 64) }) == 0
    else {
      throw IndexError.corruptHeader(path: path, reason: "tombstone count does not match the bitmap")
    }
    file.willNeed(offset: layout.vectors, count: fileLength - layout.vectors)
    let ids = IdTable(
      mapped: IdTable.Mapped(
        offsets: offsets, bytes: (base + layout.idBytes).assumingMemoryBound(to: UInt8.self),
        slots: (base + layout.slots).assumingMemoryBound(to: UInt32.self), slotMask: layout.slotCount - 1, file: file),
      count: rows)
    return IndexStorage(
      dimension: dimension, quantized: quantized, rows: rows,
      vectors: AlignedBuffer(mapping: file, offset: layout.vectors, byteCount: rows * stride * 4),
      codes: quantized ? AlignedBuffer(mapping: file, offset: layout.codes, byteCount: rows * codeStride) : nil,
      scales: quantized ? AlignedBuffer(mapping: file, offset: layout.scales, byteCount: rows * 4) : nil,
      ids: ids, deleted: deleted, tombstones: tombstones)
  }
}

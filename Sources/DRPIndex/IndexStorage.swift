import Foundation

/// The rows of an index and their bookkeeping. Float rows are L2-normalised, zero-padded to
/// `stride` floats (a multiple of 16 = 64 bytes) and 64-byte aligned; with quantisation each row
/// also has `codeStride` int8 codes and a scale. A class: its buffers are written in place, so one
/// storage has one identity (a struct's copies would alias the same buffers).
/// `@unchecked Sendable`: not thread-safe by itself; `VectorIndex` reads it under its read lock
/// and mutates it only under its write lock.
final class IndexStorage: @unchecked Sendable {
  let dimension: Int
  let stride: Int
  let codeStride: Int
  let quantized: Bool
  var rows = 0
  var capacity: Int
  var vectors: AlignedBuffer
  var codes: AlignedBuffer?
  var scales: AlignedBuffer?
  var ids = IdTable()
  var deleted = RowBitset()
  var tombstones = 0
  /// Bumped by every compaction (row numbers change); candidate bitmaps carry it.
  var generation = 0

  /// Floats per row for `dimension` (rounded up to 16 floats = 64 bytes).
  static func stride(for dimension: Int) -> Int { (dimension + 15) / 16 * 16 }
  /// Int8 code bytes per row (rounded up to 64 bytes).
  static func codeStride(for dimension: Int) -> Int { (dimension + 63) / 64 * 64 }

  init(dimension: Int, quantized: Bool, capacity: Int = 0) {
    self.dimension = dimension
    self.quantized = quantized
    stride = Self.stride(for: dimension)
    codeStride = Self.codeStride(for: dimension)
    self.capacity = capacity
    vectors = AlignedBuffer(byteCount: capacity * stride * 4)
    if quantized {
      codes = AlignedBuffer(byteCount: capacity * codeStride)
      scales = AlignedBuffer(byteCount: capacity * 4)
    }
  }

  /// Everything, from parts read from a file.
  init(
    dimension: Int, quantized: Bool, rows: Int, vectors: AlignedBuffer, codes: AlignedBuffer?,
    scales: AlignedBuffer?, ids: IdTable, deleted: RowBitset, tombstones: Int
  ) {
    self.dimension = dimension
    self.quantized = quantized
    stride = Self.stride(for: dimension)
    codeStride = Self.codeStride(for: dimension)
    self.rows = rows
    capacity = rows
    self.vectors = vectors
    self.codes = codes
    self.scales = scales
    self.ids = ids
    self.deleted = deleted
    self.tombstones = tombstones
  }

  var floats: UnsafeMutablePointer<Float> { vectors.base.assumingMemoryBound(to: Float.self) }
  var codeBytes: UnsafeMutablePointer<Int8>? { codes?.base.assumingMemoryBound(to: Int8.self) }
  var rowScales: UnsafeMutablePointer<Float>? { scales?.base.assumingMemoryBound(to: Float.self) }

  /// Live rows.
  var count: Int { rows - tombstones }

  /// The live row holding `id`.
  func liveRow(of id: String) -> Int? {
    guard let row = ids.row(of: id), !deleted.contains(row) else { return nil }
    return row
  }

  /// Bytes held: allocated rows (or the mapped file sections) plus ids and tombstones.
  var bytes: Int {
    vectors.byteCount + (codes?.byteCount ?? 0) + (scales?.byteCount ?? 0) + ids.ownedBytes
      + deleted.words.count * 8
  }

  /// Ensures room for `minimumRows` rows, growing by 1.25x so the slack stays small (memory target
  /// 1.1x of raw floats for large indexes) while appends stay amortised O(1).
  func reserve(_ minimumRows: Int) {
    guard minimumRows > capacity else { return }
    let newCapacity = max(minimumRows, capacity + capacity / 4, 1024)
    vectors = vectors.resized(to: newCapacity * stride * 4, copying: rows * stride * 4)
    codes = codes?.resized(to: newCapacity * codeStride, copying: rows * codeStride)
    scales = scales?.resized(to: newCapacity * 4, copying: rows * 4)
    capacity = newCapacity
    deleted.reserve(rows: newCapacity)
  }

  /// Stores the normalised, padded `vector` (stride floats) at `row`.
  func store(_ vector: UnsafeBufferPointer<Float>, at row: Int) {
    (floats + row * stride).update(from: vector.baseAddress!, count: stride)
    if let codeBytes, let rowScales {
      rowScales[row] = Int8Quantizer.encode(vector, into: codeBytes + row * codeStride)
    }
  }

  /// Switches ids to the owned form before a mutation.
  func prepareForMutation() {
    ids.materialize(deleted: deleted)
    deleted.reserve(rows: capacity)
  }

  /// Moves live rows down over tombstones; row numbers change.
  func compact() {
    guard tombstones > 0 else { return }
    prepareForMutation()
    var live: [Int] = []
    live.reserveCapacity(count)
    for row in 0..<rows where !deleted.contains(row) {
      let target = live.count
      if target != row {
        (floats + target * stride).update(from: floats + row * stride, count: stride)
        if let codeBytes, let rowScales {
          (codeBytes + target * codeStride).update(from: codeBytes + row * codeStride, count: codeStride)
          rowScales[target] = rowScales[row]
        }
      }
      live.append(row)
    }
    ids.compact(keeping: live)
    rows = live.count
    deleted = RowBitset(rows: capacity)
    tombstones = 0
    generation += 1
  }

  /// What is wrong with the storage, empty when it is sound: rows within the capacity, buffers
  /// large enough for it, int8 codes exactly when quantised, `tombstones` equal to the deleted
  /// rows, and (see `RowBitset` and `IdTable`) sound tombstones and ids; every live row of unit
  /// length with zero padding. For tests and debug checks; O(rows × stride).
  func invariantViolations() -> [String] {
    guard (0...capacity).contains(rows) else { return ["rows \(rows) outside 0...\(capacity) (capacity)"] }
    var problems: [String] = []
    if vectors.byteCount < capacity * stride * 4 {
      problems.append(
        "the vector buffer holds \(vectors.byteCount) bytes, \(capacity) rows need \(capacity * stride * 4)")
    }
    if quantized != (codes != nil) || quantized != (scales != nil) {
      problems.append(
        quantized ? "a quantised index without int8 codes" : "int8 codes in an index that is not quantised")
    }
    if let codes, codes.byteCount < capacity * codeStride {
      problems.append("the code buffer holds \(codes.byteCount) bytes, \(capacity) rows need \(capacity * codeStride)")
    }
    if let scales, scales.byteCount < capacity * 4 {
      problems.append("the scale buffer holds \(scales.byteCount) bytes, \(capacity) rows need \(capacity * 4)")
    }
    if !problems.isEmpty { return problems }
    let marked = deleted.count
    if marked != tombstones { problems.append("tombstones is \(tombstones) but \(marked) rows are marked deleted") }
    problems += deleted.invariantViolations(rows: rows)
    problems += ids.invariantViolations(rows: rows, deleted: deleted)
    for row in 0..<rows where !deleted.contains(row) {
      let base = floats + row * stride
      var sum: Double = 0
      for i in 0..<dimension { sum += Double(base[i]) * Double(base[i]) }
      if abs(sum.squareRoot() - 1) > 1e-4 { problems.append("row \(row) has norm \(sum.squareRoot()), not 1") }
      if let padding = (dimension..<stride).first(where: { base[$0] != 0 }) {
        problems.append("row \(row) has a non-zero padding float at \(padding)")
      }
    }
    return problems
  }
}

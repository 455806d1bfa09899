import Foundation
import Synchronization

/// An exact cosine-similarity top-k index over float32 vectors keyed by string ids.
///
/// Vectors are L2-normalised on insert, so scores are inner products in [-1, 1]. Single queries
/// stream the rows once with SIMD FMA kernels; batches use a register-tiled matrix product
/// (`MatrixKernel`; blocked `cblas_sgemm` on request); both use all
/// cores for large indexes. Thread-safe: any number of searches run concurrently, and mutations
/// take an exclusive lock (searches wait for at most one mutation).
///
/// Requires AVX2+FMA (the module is compiled with `-march=x86-64-v3`); callers should check
/// `VectorIndex.cpuSupported` before using it and refuse clearly otherwise.
public final class VectorIndex: @unchecked Sendable {
  /// Vector length, fixed for the index.
  public let dimension: Int
  /// Whether an int8 copy of every row is kept and searched first (exact re-ranking after).
  public let quantized: Bool
  /// Floats per stored row (dimension rounded up to 16).
  private let stride: Int
  private let lock = ReadWriteLock()
  private let storage: IndexStorage
  private var path: String?

  /// An empty index for vectors of `dimension` floats.
  /// - Parameter quantized: also keep int8 codes and search them, re-ranking `max(4k, k+64)`
  ///   candidates exactly.
  /// - Precondition: `dimension > 0` (a programming error, not an input error).
  public init(dimension: Int, quantized: Bool = false) {
    precondition(dimension > 0, "index dimension must be positive")
    self.dimension = dimension
    self.quantized = quantized
    stride = IndexStorage.stride(for: dimension)
    storage = IndexStorage(dimension: dimension, quantized: quantized)
  }

  private init(storage: IndexStorage, path: String) {
    dimension = storage.dimension
    quantized = storage.quantized
    stride = storage.stride
    self.storage = storage
    self.path = path
  }

  /// Whether this CPU can run the index kernels (AVX2 and FMA, from /proc/cpuinfo). Code built for
  /// x86-64-v3 dies with SIGILL elsewhere, so the CLI checks this first.
  public static let cpuSupported: Bool = {
    #if arch(x86_64)
      guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
      else { return false }
      let flags = Set(flagsLine.split(separator: " ").map(String.init))
      return flags.isSuperset(of: ["avx2", "fma", "bmi2", "movbe"])
    #else
      return false
    #endif
  }()

  /// Opens an index file with `mmap` (start-up O(1) in N). The header, id table and tombstones are
  /// always checksummed, and the file size is checked against the header (truncation is always
  /// detected). With `verify` the vector payload is checksummed too (O(N)).
  public static func load(path: String, verify: Bool) throws -> VectorIndex {
    VectorIndex(storage: try IndexFile.read(path: path, verifyPayload: verify), path: path)
  }

  /// Maps the loaded file's rows into the page table on a background thread, so the first searches
  /// after `load` take no page faults (a first scan of 1M × 384 otherwise faults 375,000 pages).
  /// For long-running processes (`drp serve`); costs nothing for an index built in memory.
  /// - Parameter completion: called once done, with false when the kernel did not support it.
  public func prefault(completion: (@Sendable (Bool) -> Void)? = nil) {
    let buffers = lock.read { [storage.vectors, storage.codes, storage.scales].compactMap { $0 } }
    guard !buffers.isEmpty else {
      completion?(true)
      return
    }
    let remaining = Mutex((count: buffers.count, ok: true))
    for buffer in buffers {
      buffer.populate { ok in
        let finished = remaining.withLock { state -> Bool? in
          state.count -= 1
          state.ok = state.ok && ok
          return state.count == 0 ? state.ok : nil
        }
        if let finished { completion?(finished) }
      }
    }
  }

  /// Checksums the whole file at `path` (header, ids and vectors). Throws on any mismatch.
  public static func verify(path: String) throws { _ = try IndexFile.read(path: path, verifyPayload: true) }

  /// Writes the index atomically: a temporary file beside `path`, fsynced, renamed over `path`,
  /// then the directory is fsynced.
  public func save(path: String) throws {
    try lock.read { try IndexFile.write(storage, path: path) }
    lock.write { self.path = path }
  }

  /// Number of live vectors.
  public var count: Int { lock.read { storage.count } }

  /// Whether `id` is stored.
  public func contains(_ id: String) -> Bool { lock.read { storage.liveRow(of: id) != nil } }

  /// The stored (L2-normalised) vector for `id`.
  public func vector(for id: String) -> [Float]? {
    lock.read {
      guard let row = storage.liveRow(of: id) else { return nil }
      return Array(UnsafeBufferPointer(start: storage.floats + row * stride, count: dimension))
    }
  }

  /// A copy of the live rows (same ids, same order) held in memory with int8 codes, searched like an
  /// index built with `quantized: true`: for comparing the two variants on the same data.
  public func quantizedCopy() -> VectorIndex {
    lock.read {
      let copy = VectorIndex(dimension: dimension, quantized: true)
      copy.storage.reserve(storage.count)
      for row in 0..<storage.rows where !storage.deleted.contains(row) {
        copy.storage.store(
          UnsafeBufferPointer(start: storage.floats + row * stride, count: stride), at: copy.storage.rows)
        copy.storage.ids.append(storage.ids.id(row))
        copy.storage.rows += 1
      }
      return copy
    }
  }

  /// Runs `body` with the storage under the read lock (for tests, which inspect it and, to see the
  /// invariant checks fail, damage it).
  func withStorage<T>(_ body: (IndexStorage) throws -> T) rethrows -> T { try lock.read { try body(storage) } }

  /// What is wrong with the index's structures, empty when they are sound (see
  /// `IndexStorage.invariantViolations()`). For tests and debug checks; O(rows × stride).
  func invariantViolations() -> [String] { lock.read { storage.invariantViolations() } }

  /// Checks that `query` can be searched: the index dimension, finite, not all zeros.
  /// - Throws: `IndexError.dimensionMismatch` or `.invalidVector`.
  public func validate(query: [Float]) throws { _ = try normalized(query, name: "query") }

  /// Makes room for `rows` rows in total (avoids regrowth when the final size is known).
  public func reserveCapacity(_ rows: Int) { lock.write { storage.reserve(rows) } }

  /// Inserts `vector` for `id`, or replaces it when `id` exists (in place, no rebuild).
  /// - Throws: `IndexError.dimensionMismatch`, or `.invalidVector` for a zero or non-finite vector.
  public func upsert(id: String, vector: [Float]) throws {
    let padded = try normalized(vector, name: id)
    padded.withUnsafeBufferPointer { values in
      lock.write {
        storage.prepareForMutation()
        if let row = storage.liveRow(of: id) {
          storage.store(values, at: row)
        } else {
          storage.reserve(storage.rows + 1)
          storage.store(values, at: storage.rows)
          storage.ids.append(id)
          storage.rows += 1
        }
      }
    }
  }

  /// Deletes `id` (its row becomes a tombstone until `compact()`). Returns false if absent.
  @discardableResult
  public func remove(id: String) -> Bool {
    lock.write {
      guard let row = storage.liveRow(of: id) else { return false }
      storage.prepareForMutation()
      storage.deleted.insert(row)
      storage.ids.forget(id)
      storage.tombstones += 1
      return true
    }
  }

  /// Reclaims tombstoned rows by moving live rows down (no re-embedding). Invalidates bitmaps.
  public func compact() { lock.write { storage.compact() } }

  /// Resolves `ids` to a reusable candidate bitmap for `SearchFilter.bitmap` (unknown ids ignored).
  public func candidateBitmap<S: Sequence>(for ids: S) -> CandidateBitmap where S.Element == String {
    lock.read {
      var bits = RowBitset(rows: storage.rows)
      for id in ids { if let row = storage.liveRow(of: id) { bits.insert(row) } }
      return CandidateBitmap(bits: bits, generation: storage.generation)
    }
  }

  /// Size and state.
  public func info() -> IndexInfo {
    lock.read {
      IndexInfo(
        count: storage.count, tombstones: storage.tombstones, dimension: dimension, bytes: storage.bytes,
        quantized: quantized, path: path)
    }
  }

  /// The `k` stored vectors most similar to `query`, best first (ties: earlier insert first).
  /// - Parameters:
  ///   - filter: only these candidates may be returned (unknown ids are ignored).
  ///   - excluding: ids never returned (e.g. the querying user).
  /// - Throws: `IndexError.invalidK`, `.dimensionMismatch`, `.invalidVector` (zero query),
  ///   `.staleBitmap`.
  public func search(_ query: [Float], k: Int, filter: SearchFilter? = nil, excluding: Set<String> = [])
    throws -> [Neighbor]
  {
    guard k >= 1 else { throw IndexError.invalidK(k) }
    let padded = try normalized(query, name: "query")
    return try lock.read {
      let candidates = try storage.candidates(filter)
      let heap = padded.withUnsafeBufferPointer {
        storage.search(
          query: $0.baseAddress!, want: k + excluding.count, candidates: candidates,
          threads: IndexStorage.threadCount)
      }
      return neighbors(heap, k: k, excluding: excluding)
    }
  }

  /// Top-`k` results for each query in `batch` (same order), equal to `search(_:k:filter:)` of each
  /// query alone: the same ids and bit-identical scores. Uses the tiled matrix kernel from
  /// `IndexStorage.matrixMinBatch` queries on, re-scoring its candidates with the single-query
  /// kernel (`kernel` overrides the choice, for benchmarks).
  public func search(batch: [[Float]], k: Int, filter: SearchFilter? = nil, kernel: BatchKernel = .automatic)
    throws -> [[Neighbor]]
  {
    guard k >= 1 else { throw IndexError.invalidK(k) }
    if batch.isEmpty { return [] }
    let block = AlignedBuffer(byteCount: batch.count * stride * 4)
    let queries = block.base.assumingMemoryBound(to: Float.self)
    for (i, query) in batch.enumerated() {
      let padded = try normalized(query, name: "query \(i)")
      padded.withUnsafeBufferPointer { (queries + i * stride).update(from: $0.baseAddress!, count: stride) }
    }
    return try lock.read {
      let candidates = try storage.candidates(filter)
      let heaps = storage.searchBatch(
        queries: queries, count: batch.count, want: k, candidates: candidates, kernel: kernel)
      return heaps.map { neighbors($0, k: k, excluding: []) }
    }
  }

  /// Converts heap rows to ids (caller holds the lock).
  private func neighbors(_ heap: TopKHeap, k: Int, excluding: Set<String>) -> [Neighbor] {
    var result: [Neighbor] = []
    for entry in heap.sorted() {
      let id = storage.ids.id(Int(entry.row))
      if excluding.contains(id) { continue }
      result.append(Neighbor(id: id, score: entry.score))
      if result.count == k { break }
    }
    return result
  }

  /// `vector` L2-normalised and zero-padded to the row stride.
  private func normalized(_ vector: [Float], name: String) throws -> [Float] {
    guard vector.count == dimension else {
      throw IndexError.dimensionMismatch(expected: dimension, actual: vector.count)
    }
    var sum: Double = 0
    for x in vector { sum += Double(x) * Double(x) }
    guard sum.isFinite else { throw IndexError.invalidVector(id: name, reason: "it contains NaN or infinity") }
    guard sum > 0 else { throw IndexError.invalidVector(id: name, reason: "it is all zeros") }
    let scale = Float(1 / sum.squareRoot())
    var padded = [Float](repeating: 0, count: stride)
    for i in 0..<dimension { padded[i] = vector[i] * scale }
    return padded
  }
}

// The application facade: one data directory (store + user index) and every operation on it.
import DRPCore
import DRPIndex
import DRPPeers
import DRPStore
import Foundation

/// Opens a drp home directory and offers the operations shared by the CLI and the server:
/// embedding, nearest users, peer selection, key samples, adding reviews.
///
/// The home holds `drp.sqlite` (reviews, review vectors, embedder state) and `users.drpi`, the
/// vector index of user vectors. Thread-safe: queries run concurrently; mutations (``embed(rebuild:progress:)``,
/// ``addReview(_:)``, index builds) are serialised and swap in a new index atomically.
///
/// Embedding runs synchronously on the calling thread (builtin) or blocks it while a remote
/// server answers (openai): call mutations from a plain thread or a Dispatch queue, never from a
/// Swift-concurrency task.
public final class Engine: @unchecked Sendable {
  /// How ``init(home:config:indexLoading:recencyHalfLifeDays:)`` treats an existing index file.
  public enum IndexLoading: Sendable {
    /// Load it; a corrupt or truncated file is an error.
    case require
    /// Ignore it and start with an empty index (for commands that rebuild it).
    case discard
  }

  /// The index file name inside the home directory.
  public static let indexFileName = "users.drpi"

  /// The review store.
  public let store: ReviewStore
  /// The configuration the engine was opened with.
  public let config: DRPConfig
  /// The home directory.
  public let home: String
  /// `<home>/users.drpi`.
  public let indexPath: String
  /// Half-life in days for recency-weighted user vectors; nil gives the plain mean.
  public let recencyHalfLifeDays: Double?

  let tables: VectorTables
  /// Serialises mutations; guards `currentIndex`, `currentMeta` and the lazily built embedder.
  let lock = NSRecursiveLock()
  private var currentIndex: VectorIndex
  private var currentMeta: IndexMeta?
  var cachedEmbedder: (any Embedder)?

  /// Opens (creating if needed) the home directory's store and loads its user index.
  /// - Parameters:
  ///   - home: The data directory.
  ///   - config: The configuration (embedder, pipeline defaults, store settings).
  ///   - indexLoading: ``IndexLoading/discard`` ignores an existing (possibly corrupt) index file.
  ///   - recencyHalfLifeDays: Weight each review `0.5^(age/halfLife)` in user vectors.
  /// - Throws: store errors, or an ``EngineError`` naming the repair command when the index file
  ///   is corrupt or truncated.
  public init(
    home: String, config: DRPConfig, indexLoading: IndexLoading = .require, recencyHalfLifeDays: Double? = nil
  ) throws {
    self.home = home
    self.config = config
    self.recencyHalfLifeDays = recencyHalfLifeDays
    store = try ReviewStore(home: home, busyTimeoutMs: config.store.busyTimeoutMs)
    tables = VectorTables(store: store)
    indexPath = (home as NSString).appendingPathComponent(Self.indexFileName)
    let meta = try tables.indexMeta()
    if indexLoading == .require, FileManager.default.fileExists(atPath: indexPath) {
      do {
        currentIndex = try VectorIndex.load(path: indexPath, verify: false)
      } catch {
        throw EngineError(
          .unavailable,
          "the user index \(indexPath) cannot be loaded: \(error). "
            + "Recreate it with `drp embed --rebuild` or `drp index build`")
      }
      currentMeta = meta
    } else {
      currentIndex = VectorIndex(dimension: meta?.dimension ?? config.embedder.dimension)
      // A missing file means the index must be rebuilt, whatever the metadata says.
      currentMeta = meta.map { IndexMeta(embedder: $0.embedder, dimension: $0.dimension, stale: true) }
    }
  }

  /// The user-vector index (replaced, not mutated in place, by rebuilds).
  public var index: VectorIndex { lock.withLock { currentIndex } }

  /// The embedder that produced the index's vectors, if known.
  public var indexEmbedder: String? { lock.withLock { currentMeta?.embedder } }

  var meta: IndexMeta? { lock.withLock { currentMeta } }

  /// Replaces the index and its metadata, saving the file atomically first.
  func install(_ index: VectorIndex, meta: IndexMeta) throws {
    try lock.withLock {
      try index.save(path: indexPath)
      try tables.setIndexMeta(meta)
      currentIndex = index
      currentMeta = meta
    }
  }

  /// Marks the index file as lagging behind the store (an update not saved yet).
  func markStale() throws {
    try lock.withLock {
      guard var meta = currentMeta, !meta.stale else { return }
      meta.stale = true
      try tables.setIndexMeta(meta)
      currentMeta = meta
    }
  }

  /// The user vector of stored review vectors: their (recency-weighted) mean; `[]` when empty.
  func userVector(_ reviews: [StoredReviewVector]) -> [Float] {
    UserVector.mean(
      of: reviews.map(\.vector), timestamps: reviews.map { $0.timestamp / 1000 }, halfLifeDays: recencyHalfLifeDays)
  }

  /// Counts of the store, the vectors and the index.
  public func stats() throws -> EngineStats {
    let (index, meta) = lock.withLock { (currentIndex, currentMeta) }
    let info = index.info()
    return EngineStats(
      store: store.stats(),
      reviewVectors: try meta.map { try tables.vectorCount(embedder: $0.embedder) } ?? 0,
      indexedUsers: info.count, dimension: info.dimension, indexBytes: info.bytes, embedder: meta?.embedder,
      indexStale: meta?.stale ?? false, indexPath: indexPath)
  }
}

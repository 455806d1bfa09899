// The application facade: one data directory (store + user index) and every operation on it.
import DRPCore
import DRPGenerator
import DRPIndex
import DRPPeers
import DRPReasoning
import DRPStore
import Foundation
import Synchronization

/// Opens a drp home directory and offers the operations shared by the CLI and the server:
/// embedding, nearest users, peer selection, key samples, profiles, generation, adding reviews.
///
/// The home holds `drp.sqlite` (reviews, review vectors, embedder state, profiles, LLM replies) and
/// `users.drpi`, the vector index of user vectors.
///
/// **Concurrency.** Every operation reads an immutable ``EngineState`` snapshot (index, metadata,
/// embedder), copied under a lock held for nothing else. Mutations of that state — installing an
/// index, updating a user's vector, marking the index file stale — run one at a time on the
/// engine's single writer thread, which swaps in new snapshots; no lock is held across network
/// I/O, file writes or fsync, and a review's embedding is computed before the writer is involved.
/// Async operations (``profile(user:mode:options:excluding:refresh:progress:)``,
/// ``generate(user:item:rating:title:mode:options:excluding:onDelta:)``, ``addReview(_:)``) run
/// their blocking parts (SQLite, index scans) on the engine's blocking threads, never on the
/// Swift-concurrency pool; synchronous operations block their caller's thread (the CLI's main
/// thread, a server worker). LLM requests go through one client per endpoint (`ModelClients`), so
/// `llm.concurrency` limits them across everything the process does.
///
/// **Other processes.** The store reads what another process committed (see `ReviewStore`); an
/// index file replaced by another process (`drp embed`, `drp index build`) is noticed within
/// ``indexRecheckInterval`` and loaded by the writer.
public final class Engine: Sendable {
  /// How ``init(home:config:indexLoading:recencyHalfLifeDays:)`` treats an existing index file.
  public enum IndexLoading: Sendable {
    /// Load it; a corrupt or truncated file is an error.
    case require
    /// Ignore it and start with an empty index (for commands that rebuild it).
    case discard
  }

  /// The index file name inside the home directory.
  public static let indexFileName = "users.drpi"
  /// How often (seconds) operations check whether another process replaced the index file.
  public static let indexRecheckInterval = 0.1

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

  /// Threads for the blocking parts of async operations.
  let blocking: BlockingPool
  /// Threads of the LLM reply cache: its point reads and group commits. Kept apart from
  /// `blocking` so that a look-up, which stands before every LLM call, never queues behind other
  /// requests' peer choices and key samples (many milliseconds each under load).
  let cacheThreads: BlockingPool
  /// The single writer: every change of the engine state runs on this one thread, in order.
  let writer: BlockingPool
  /// Writes LLM replies into the store's cache, many to a transaction under load.
  let cacheWriter: ReplyCacheWriter
  /// The LLM clients, one per endpoint.
  let models: ModelClients
  /// The remote embedder (kind `openai`), created once; nil for `builtin`; the configuration
  /// error to report when the embedder section is unusable.
  let remoteEmbedder: Result<(any Embedder)?, EngineError>
  /// The prompt templates of each preset, read once when the engine opens (see `promptDirectory`).
  let templates: Result<[PipelinePreset: (reasoning: ReasoningPrompts, generation: GenerationPrompt)], any Error>
  private let guarded: Mutex<EngineState>
  /// Whether the loaded index file was checksummed, and what was found (see `IndexHealth`).
  let indexHealth = IndexHealth()
  /// Monotonic time (ns) of the last check for a replaced index file.
  private let lastFileCheck = Atomic<UInt64>(0)
  private let reloadQueued = Atomic<Bool>(false)

  /// Opens (creating if needed) the home directory's store and loads its user index.
  /// - Parameters:
  ///   - home: The data directory.
  ///   - config: The configuration (embedder, pipeline defaults, store settings, LLM endpoints).
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
    indexPath = (home as NSString).appendingPathComponent(Self.indexFileName)
    blocking = BlockingPool(name: "drp-blocking", threads: max(4, 2 * ProcessInfo.processInfo.activeProcessorCount))
    writer = BlockingPool(name: "drp-writer", threads: 1)
    cacheThreads = BlockingPool(name: "drp-cache", threads: 2)
    cacheWriter = ReplyCacheWriter(store: store, pool: cacheThreads)
    models = ModelClients(config: config)
    remoteEmbedder = EmbedderFactory.remote(config.embedder)
    templates = Result {
      try Dictionary(
        uniqueKeysWithValues: PipelinePreset.allCases.map { preset in
          (
            preset,
            (
              try ReasoningPrompts(directory: Self.promptDirectory, preset: preset),
              try GenerationPrompt(directory: Self.promptDirectory, preset: preset)
            )
          )
        })
    }
    let meta = try store.indexMeta()
    if indexLoading == .require, let loaded = try Self.loadIndex(path: indexPath) {
      guarded = Mutex(EngineState(index: loaded.index, meta: meta, embedder: nil, file: loaded.file))
    } else {
      // A missing (or discarded) file means the index must be rebuilt, whatever the metadata says.
      // A discarded file is remembered as known, so it is not loaded behind the caller's back.
      guarded = Mutex(
        EngineState(
          index: VectorIndex(dimension: meta?.dimension ?? config.embedder.dimension),
          meta: meta.map { IndexMeta(embedder: $0.embedder, dimension: $0.dimension, stale: true) }, embedder: nil,
          file: FileIdentity(path: indexPath)))
    }
  }

  deinit {
    blocking.shutdown()
    cacheThreads.shutdown()
    writer.shutdown()
  }

  /// The index file at `path` with its identity, or nil when there is none.
  private static func loadIndex(path: String) throws -> (index: VectorIndex, file: FileIdentity)? {
    guard let file = FileIdentity(path: path) else { return nil }
    do {
      return (try VectorIndex.load(path: path, verify: false), file)
    } catch {
      throw EngineError(
        .unavailable,
        "the user index \(path) cannot be loaded: \(error). Recreate it with `drp embed --rebuild` or `drp index build`"
      )
    }
  }

  /// The current state. At most every ``indexRecheckInterval`` it also checks whether another
  /// process replaced the index file and, if so, queues its loading on the writer (this call and
  /// the ones before the load completes see the previous index).
  func snapshot() -> EngineState {
    let current = state()
    let now = DispatchTime.now().uptimeNanoseconds
    let last = lastFileCheck.load(ordering: .relaxed)
    guard now &- last >= UInt64(Self.indexRecheckInterval * 1e9),
      lastFileCheck.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged,
      FileIdentity(path: indexPath) != current.file, !reloadQueued.exchange(true, ordering: .acquiringAndReleasing)
    else { return current }
    Task.detached { [self] in
      _ = try? await writer.run { [self] in
        defer { reloadQueued.store(false, ordering: .releasing) }
        try reloadIndexIfReplaced()
      }
    }
    return current
  }

  /// On the writer: loads the index file if it is not the one this process loaded or saved last.
  private func reloadIndexIfReplaced() throws {
    let known = guarded.withLock { $0.file }
    guard FileIdentity(path: indexPath) != known, let loaded = try Self.loadIndex(path: indexPath) else { return }
    let meta = try store.indexMeta()
    guarded.withLock {
      $0.index = loaded.index
      $0.meta = meta
      $0.file = loaded.file
    }
  }

  /// The state as it is now, without the check for a replaced index file (for the writer).
  func state() -> EngineState { guarded.withLock { $0 } }

  /// The user-vector index: updated in place by `addReview`, replaced by rebuilds (so take it once
  /// per operation).
  public var index: VectorIndex { snapshot().index }

  /// The embedder that produced the index's vectors, if known.
  public var indexEmbedder: String? { snapshot().meta?.embedder }

  /// LLM requests of this engine in flight now (all endpoints).
  public var llmRequestsInFlight: Int { models.requestsInFlight }

  /// On the writer: saves `index` atomically (the file first, then its metadata), then makes it
  /// the current index. Readers keep using the previous snapshot until the swap.
  func install(_ index: VectorIndex, meta: IndexMeta) throws {
    precondition(writer.isCurrent, "install runs on the engine's writer")
    try requireSavable(index, replacing: state().index)
    try index.save(path: indexPath)
    try store.setIndexMeta(meta)
    let file = FileIdentity(path: indexPath)
    guarded.withLock {
      $0.index = index
      $0.meta = meta
      $0.file = file
    }
    indexHealth.set(.verified, for: index)
  }

  /// On the writer: marks the index file as lagging behind the store (an update not saved yet).
  func markStale() throws {
    precondition(writer.isCurrent, "markStale runs on the engine's writer")
    guard var meta = guarded.withLock({ $0.meta }), !meta.stale else { return }
    meta.stale = true
    try store.setIndexMeta(meta)
    guarded.withLock { $0.meta = meta }
  }

  /// Remembers the configured embedder in the state (built once; see `configuredEmbedder()`).
  func remember(_ embedder: any Embedder) {
    guarded.withLock { $0.embedder = embedder }
  }

  /// The user vector of stored review vectors: their (recency-weighted) mean; `[]` when empty.
  func userVector(_ reviews: [StoredReviewVector]) -> [Float] {
    UserVector.mean(
      of: reviews.map(\.vector), timestamps: reviews.map { $0.timestamp / 1000 }, halfLifeDays: recencyHalfLifeDays)
  }

  /// Counts of the store, the vectors and the index.
  /// - Throws: store errors.
  public func stats() throws -> EngineStats {
    let current = snapshot()
    let info = current.index.info()
    return EngineStats(
      store: try store.stats(),
      reviewVectors: try current.meta.map { try store.vectorCount(embedder: $0.embedder) } ?? 0,
      indexedUsers: info.count, dimension: info.dimension, indexBytes: info.bytes, embedder: current.meta?.embedder,
      indexStale: current.meta?.stale ?? false, indexPath: indexPath)
  }
}

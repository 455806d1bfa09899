// The LLM reply cache in the store, reached from async pipeline code through the blocking pool.
import DRPCore
import DRPReasoning
import DRPStore
import Synchronization

/// An `LLMCache` in the store's `llm_cache` table, shared by every process that opens the same
/// home. Its queries run on the engine's cache threads (`Engine.cacheThreads`), never on the
/// Swift-concurrency pool nor behind the long jobs of the engine's other blocking threads; its
/// writes go through the engine's one `ReplyCacheWriter`.
struct StoreLLMCache: LLMCache {
  let store: ReviewStore
  let pool: BlockingPool
  let writer: ReplyCacheWriter

  /// The cached reply, or nil.
  /// - Throws: `SQLiteError` when the cache cannot be read.
  func get(_ key: String) async throws -> String? {
    try await pool.run { [store] in try store.cachedReply(key) }
  }

  /// Caches a reply (returns once it is committed); a failure (e.g. the database locked by another
  /// process for longer than `store.busy_timeout_ms`) only costs a later miss.
  func put(_ key: String, _ value: String) async { await writer.put(key, value) }
}

/// Writes reply-cache entries with group commit: an entry put while an earlier write is in progress
/// waits for it and then goes into the next transaction together with every other entry that
/// arrived meanwhile. Alone, an entry is written at once in a transaction of its own; under load
/// (64 concurrent requests put ~1,000 replies in a few hundred milliseconds) a commit, its WAL
/// append and the page-cache invalidation it causes in every reader connection are shared by many
/// entries. `put` returns once its entry is committed (or the commit failed), so a later `get` of
/// the same process, or of another one, finds it. One writer per engine.
final class ReplyCacheWriter: Sendable {
  private let store: ReviewStore
  private let pool: BlockingPool
  private let state = Mutex<State>(State())
  private let commits = Atomic<Int>(0)

  private struct State {
    var pending: [(key: String, value: String, done: CheckedContinuation<Void, Never>)] = []
    var writing = false
  }

  /// A writer into `store`'s cache whose transactions run on `pool`.
  init(store: ReviewStore, pool: BlockingPool) {
    self.store = store
    self.pool = pool
  }

  /// Transactions committed (or attempted) so far.
  var transactions: Int { commits.load(ordering: .relaxed) }

  /// Caches `value` under `key`; returns when the transaction holding it has ended.
  func put(_ key: String, _ value: String) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      let start = state.withLock { state -> Bool in
        state.pending.append((key, value, done))
        guard !state.writing else { return false }
        state.writing = true
        return true
      }
      if start { pool.start { [self] in writeAll() } }
    }
  }

  /// Writes what is pending, then what arrived meanwhile, until nothing is left.
  private func writeAll() {
    while true {
      let batch = state.withLock { state in
        defer { state.pending = [] }
        if state.pending.isEmpty { state.writing = false }
        return state.pending
      }
      guard !batch.isEmpty else { return }
      _ = try? store.cacheReplies(batch.map { ($0.key, $0.value) })
      commits.add(1, ordering: .relaxed)
      for entry in batch { entry.done.resume() }
    }
  }
}

// The LLM reply cache in the store, reached from async pipeline code through the blocking pool.
import DRPCore
import DRPReasoning
import DRPStore

/// An `LLMCache` in the store's `llm_cache` table, shared by every process that opens the same
/// home. Its queries run on the engine's blocking threads, never on the Swift-concurrency pool.
struct StoreLLMCache: LLMCache {
  let store: ReviewStore
  let pool: BlockingPool

  /// The cached reply, or nil.
  /// - Throws: `SQLiteError` when the cache cannot be read.
  func get(_ key: String) async throws -> String? {
    try await pool.run { [store] in try store.cachedReply(key) }
  }

  /// Caches a reply; a failure (e.g. the database locked by another process for longer than
  /// `store.busy_timeout_ms`) only costs a later miss.
  func put(_ key: String, _ value: String) async {
    _ = try? await pool.run { [store] in try store.cacheReply(key, value) }
  }
}

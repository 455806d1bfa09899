// The LLM reply cache (the `llm_cache` table), shared by every process on the same home.
import Foundation

extension ReviewStore {
  /// The reply cached under `key`, or nil.
  /// - Throws: `SQLiteError`.
  public func cachedReply(_ key: String) throws -> String? {
    try read { db in try db.first("SELECT value FROM llm_cache WHERE key = ?", [key]) { $0.string(0) } }
  }

  /// Caches every entry in one transaction, in order (a later entry of the same key wins).
  /// - Throws: `SQLiteError`; then none is stored.
  public func cacheReplies(_ entries: [(key: String, value: String)]) throws {
    guard !entries.isEmpty else { return }
    let created = Int64(Date().timeIntervalSince1970)
    try transaction { db in
      for (key, value) in entries {
        try db.run("INSERT OR REPLACE INTO llm_cache (key, value, created) VALUES (?, ?, ?)", [key, value, created])
      }
    }
  }
}

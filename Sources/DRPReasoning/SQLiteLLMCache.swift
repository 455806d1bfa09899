import DRPStore
import Foundation

/// An `LLMCache` in the store's `llm_cache` table (created by a `StoreMigration`), shared by every
/// process that opens the same home directory.
public struct SQLiteLLMCache: LLMCache {
  private let store: ReviewStore

  /// A cache in `store`.
  public init(store: ReviewStore) { self.store = store }

  /// The value stored under `key`, or nil (also when the table cannot be read).
  public func get(_ key: String) -> String? {
    store.withConnection { db in
      guard let stmt = try? db.cached("SELECT value FROM llm_cache WHERE key = ?"), (try? stmt.step(key)) == true
      else { return nil }
      return stmt.string(0)
    }
  }

  /// Stores `value` under `key`; a write failure only costs a later cache miss.
  public func put(_ key: String, _ value: String) {
    store.withConnection { db in
      guard let stmt = try? db.cached("INSERT OR REPLACE INTO llm_cache (key, value, created) VALUES (?, ?, ?)")
      else { return }
      stmt.bind(1, key)
      stmt.bind(2, value)
      stmt.bind(3, Int64(Date().timeIntervalSince1970))
      try? stmt.run()
    }
  }
}

import DRPStore
import Foundation

/// Stored difference profiles (the `profiles` table): one row per user, mode and variant (a digest
/// of the options and held-out reviews that shaped the profile), with a `stale` flag set when the
/// user's reviews change.
public struct ProfileTable: Sendable {
  private let store: ReviewStore

  /// The table in `store`.
  public init(store: ReviewStore) { self.store = store }

  /// The stored result for the user, mode and variant, with its stale flag; nil when absent or
  /// unreadable.
  public func load(userID: String, mode: PipelineMode, variant: String) -> (result: ProfileResult, stale: Bool)? {
    store.withConnection { db in
      guard
        let stmt = try? db.cached("SELECT result, stale FROM profiles WHERE user_id = ? AND mode = ? AND variant = ?")
      else { return nil }
      stmt.bind(1, userID)
      stmt.bind(2, mode.rawValue)
      stmt.bind(3, variant)
      guard (try? stmt.step()) == true,
        let result = try? JSONDecoder().decode(ProfileResult.self, from: Data(stmt.string(0).utf8))
      else { return nil }
      return (result, stmt.bool(1))
    }
  }

  /// Stores (or replaces) a result as fresh.
  /// - Throws: `SQLiteError` or encoding errors.
  public func save(_ result: ProfileResult, variant: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let json = String(decoding: try encoder.encode(result), as: UTF8.self)
    try store.withConnection { db in
      let stmt = try db.cached(
        "INSERT OR REPLACE INTO profiles (user_id, mode, variant, result, stale, created) VALUES (?, ?, ?, ?, 0, ?)")
      stmt.bind(1, result.profile.userID)
      stmt.bind(2, result.profile.mode.rawValue)
      stmt.bind(3, variant)
      stmt.bind(4, json)
      stmt.bind(5, result.profile.provenance.created)
      try stmt.run()
    }
  }

  /// Flags every stored profile of the user as stale.
  /// - Returns: how many profiles were flagged.
  /// - Throws: `SQLiteError`.
  @discardableResult
  public func markStale(userID: String) throws -> Int {
    try store.withConnection { db in
      let stmt = try db.cached("UPDATE profiles SET stale = 1 WHERE user_id = ? AND stale = 0")
      stmt.bind(1, userID)
      try stmt.run()
      return db.changes
    }
  }
}

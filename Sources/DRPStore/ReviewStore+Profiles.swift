// Stored difference profiles (the `profiles` table) and the review-set digest that keeps them current.
import Foundation

/// A stored profile row: the profile document as JSON, and the digest of the user's reviews it was
/// built from.
public struct StoredProfile: Sendable, Equatable {
  /// The profile document (JSON text; the reasoning layer's `ProfileResult`).
  public var json: String
  /// ``ReviewStore/reviewsDigest(ofUser:excluding:)`` when the profile was built.
  public var reviewsDigest: String
  /// When it was built (seconds since 1970).
  public var created: Int64

  /// Creates a row.
  public init(json: String, reviewsDigest: String, created: Int64) {
    self.json = json
    self.reviewsDigest = reviewsDigest
    self.created = created
  }
}

extension ReviewStore {
  /// A digest of the user's reviews (ids and text hashes) minus `excluding`: it changes whenever a
  /// review of the user is added, removed or edited, by any process, so a profile stored with an
  /// older digest is stale.
  /// - Throws: `SQLiteError`.
  public func reviewsDigest(ofUser userID: String, excluding: Set<Int64> = []) throws -> String {
    try read { db in
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      func mix(_ value: Int64) {
        var bits = UInt64(bitPattern: value)
        for _ in 0..<8 {
          hash = (hash ^ (bits & 0xff)) &* 0x0000_0100_0000_01b3
          bits >>= 8
        }
      }
      var count: Int64 = 0
      try db.query("SELECT id, text_hash FROM reviews WHERE user_id = ? ORDER BY id", [userID]) { row in
        let id = row.int64(0)
        guard !excluding.contains(id) else { return }
        mix(id)
        mix(row.int64(1))
        count += 1
      }
      mix(count)
      return String(count) + "-" + String(hash, radix: 16)
    }
  }

  /// The stored profile of the user for `mode` and `variant`, or nil.
  /// - Throws: `SQLiteError`.
  public func storedProfile(user: String, mode: String, variant: String) throws -> StoredProfile? {
    try read { db in
      try db.first(
        "SELECT result, reviews_digest, created FROM profiles WHERE user_id = ? AND mode = ? AND variant = ?",
        [user, mode, variant]
      ) { StoredProfile(json: $0.string(0), reviewsDigest: $0.string(1), created: $0.int64(2)) }
    }
  }

  /// Stores (or replaces) the user's profile for `mode` and `variant`.
  /// - Throws: `SQLiteError`.
  public func saveProfile(user: String, mode: String, variant: String, _ profile: StoredProfile) throws {
    try transaction { db in
      try db.run(
        """
        INSERT OR REPLACE INTO profiles (user_id, mode, variant, result, stale, created, reviews_digest)
        VALUES (?, ?, ?, ?, 0, ?, ?)
        """, [user, mode, variant, profile.json, profile.created, profile.reviewsDigest])
    }
  }

  /// Every stored profile document of the user (any mode and variant), oldest first.
  /// - Throws: `SQLiteError`.
  public func storedProfiles(ofUser user: String) throws -> [StoredProfile] {
    try read { db in
      var rows: [StoredProfile] = []
      try db.query("SELECT result, reviews_digest, created FROM profiles WHERE user_id = ? ORDER BY created", [user]) {
        rows.append(StoredProfile(json: $0.string(0), reviewsDigest: $0.string(1), created: $0.int64(2)))
      }
      return rows
    }
  }
}

// SQL access to the engine's tables: review_vectors, embedder_state, index_meta.
import DRPStore
import Foundation

/// A review waiting to be embedded.
struct PendingReview {
  var id: Int64
  var userID: String
  var text: String
  var textHash: Int64
}

/// A stored review vector with the review fields the engine needs.
struct StoredReviewVector {
  var reviewID: Int64
  var itemID: String
  /// Milliseconds since 1970, as in the store.
  var timestamp: Int64
  var vector: [Float]
}

/// What built the user index file.
struct IndexMeta: Equatable {
  var embedder: String
  var dimension: Int
  /// The file lags behind the store (user vectors changed without a save).
  var stale: Bool
}

/// Typed queries over the engine's tables in a `ReviewStore`.
struct VectorTables {
  let store: ReviewStore
  static let userIndexName = "users"

  /// The text embedded for a review: its title and body.
  static func embeddingText(title: String, text: String) -> String { title.isEmpty ? text : title + "\n" + text }

  func embedderState(_ key: String) throws -> Data? {
    try store.withConnection { db in
      let stmt = try db.cached("SELECT idf FROM embedder_state WHERE embedder = ?")
      return try stmt.step(key) ? stmt.data(0) : nil
    }
  }

  func setEmbedderState(_ key: String, idf: Data, documents: Int) throws {
    try store.withConnection { db in
      let stmt = try db.cached(
        "INSERT OR REPLACE INTO embedder_state (embedder, idf, documents, updated_at) VALUES (?, ?, ?, ?)")
      stmt.bind(1, key)
      stmt.bind(2, idf)
      stmt.bind(3, documents)
      stmt.bind(4, Int64(Date().timeIntervalSince1970))
      try stmt.run()
    }
  }

  func indexMeta() throws -> IndexMeta? {
    try store.withConnection { db in
      let stmt = try db.cached("SELECT embedder, dimension, stale FROM index_meta WHERE name = ?")
      guard try stmt.step(Self.userIndexName) else { return nil }
      return IndexMeta(embedder: stmt.string(0), dimension: stmt.int(1), stale: stmt.bool(2))
    }
  }

  func setIndexMeta(_ meta: IndexMeta) throws {
    try store.withConnection { db in
      let stmt = try db.cached(
        "INSERT OR REPLACE INTO index_meta (name, embedder, dimension, stale, updated_at) VALUES (?, ?, ?, ?, ?)")
      stmt.bind(1, Self.userIndexName)
      stmt.bind(2, meta.embedder)
      stmt.bind(3, meta.dimension)
      stmt.bind(4, meta.stale)
      stmt.bind(5, Int64(Date().timeIntervalSince1970))
      try stmt.run()
    }
  }

  private static let pendingCondition = """
    FROM reviews r LEFT JOIN review_vectors v ON v.review_id = r.id AND v.embedder = ?1
    WHERE v.review_id IS NULL OR v.text_hash != r.text_hash
    """

  /// Reviews without a current vector under `embedder`.
  func pendingCount(embedder: String) throws -> Int {
    try store.withConnection { db in
      let stmt = try db.cached("SELECT count(*) \(Self.pendingCondition)")
      return try stmt.step(embedder) ? stmt.int(0) : 0
    }
  }

  /// Up to `limit` reviews without a current vector, with ids above `after`, by id.
  func pendingReviews(embedder: String, after: Int64, limit: Int) throws -> [PendingReview] {
    try store.withConnection { db in
      let stmt = try db.cached(
        "SELECT r.id, r.user_id, r.title, r.text, r.text_hash \(Self.pendingCondition) AND r.id > ?2 ORDER BY r.id LIMIT ?3"
      )
      stmt.bind(1, embedder)
      stmt.bind(2, after)
      stmt.bind(3, limit)
      var rows: [PendingReview] = []
      while try stmt.step() {
        rows.append(
          PendingReview(
            id: stmt.int64(0), userID: stmt.string(1),
            text: Self.embeddingText(title: stmt.string(2), text: stmt.string(3)), textHash: stmt.int64(4)))
      }
      return rows
    }
  }

  /// Stores vectors of reviews in one transaction.
  func storeVectors(_ rows: [(review: PendingReview, vector: [Float])], embedder: String) throws {
    try store.transaction {
      try store.withConnection { db in
        let stmt = try db.cached(
          "INSERT OR REPLACE INTO review_vectors (review_id, embedder, text_hash, vector) VALUES (?, ?, ?, ?)")
        for row in rows {
          stmt.reset()
          stmt.bind(1, row.review.id)
          stmt.bind(2, embedder)
          stmt.bind(3, row.review.textHash)
          stmt.bind(4, row.vector)
          try stmt.run()
        }
      }
    }
  }

  /// Deletes every vector whose embedder name starts with `prefix`.
  func deleteVectors(embedderPrefix prefix: String) throws {
    try store.withConnection { db in
      let stmt = try db.cached("DELETE FROM review_vectors WHERE substr(embedder, 1, length(?1)) = ?1")
      stmt.bind(1, prefix)
      try stmt.run()
    }
  }

  /// The user's review vectors under `embedder`, oldest first.
  func reviewVectors(ofUser userID: String, embedder: String) throws -> [StoredReviewVector] {
    try store.withConnection { db in
      let stmt = try db.cached(
        """
        SELECT r.id, r.item_id, r.timestamp, v.vector FROM reviews r
        JOIN review_vectors v ON v.review_id = r.id AND v.embedder = ?
        WHERE r.user_id = ? ORDER BY r.timestamp, r.id
        """)
      stmt.bind(1, embedder)
      stmt.bind(2, userID)
      var rows: [StoredReviewVector] = []
      while try stmt.step() {
        rows.append(
          StoredReviewVector(
            reviewID: stmt.int64(0), itemID: stmt.string(1), timestamp: stmt.int64(2), vector: stmt.floats(3)))
      }
      return rows
    }
  }

  /// The vector of one review under `embedder`.
  func reviewVector(_ reviewID: Int64, embedder: String) throws -> [Float]? {
    try store.withConnection { db in
      let stmt = try db.cached("SELECT vector FROM review_vectors WHERE review_id = ? AND embedder = ?")
      stmt.bind(1, reviewID)
      stmt.bind(2, embedder)
      return try stmt.step() ? stmt.floats(0) : nil
    }
  }

  /// Users with at least one review vector under `embedder`, sorted.
  func usersWithVectors(embedder: String) throws -> [String] {
    try store.withConnection { db in
      let stmt = try db.cached(
        """
        SELECT DISTINCT r.user_id FROM review_vectors v JOIN reviews r ON r.id = v.review_id
        WHERE v.embedder = ? ORDER BY r.user_id
        """)
      stmt.bind(1, embedder)
      var ids: [String] = []
      while try stmt.step() { ids.append(stmt.string(0)) }
      return ids
    }
  }

  /// Number of review vectors under `embedder`.
  func vectorCount(embedder: String) throws -> Int {
    try store.withConnection { db in
      let stmt = try db.cached("SELECT count(*) FROM review_vectors WHERE embedder = ?")
      return try stmt.step(embedder) ? stmt.int(0) : 0
    }
  }

  /// Every review text, for fitting IDF weights.
  func forEachReviewText(_ body: (String) -> Void) throws {
    try store.withConnection { db in
      let stmt = try db.prepare("SELECT title, text FROM reviews ORDER BY id")
      while try stmt.step() { body(Self.embeddingText(title: stmt.string(0), text: stmt.string(1))) }
    }
  }
}

// The vector tables: review_vectors, embedder_state, index_meta.
import DRPCore
import Foundation

extension ReviewStore {
  /// The name of the user index in `index_meta`.
  static let userIndexName = "users"

  /// The fitted state (IDF weights) stored for an embedder family, or nil.
  /// - Throws: `SQLiteError`.
  public func embedderState(_ key: String) throws -> Data? {
    try read { db in try db.first("SELECT idf FROM embedder_state WHERE embedder = ?", [key]) { $0.data(0) } }
  }

  /// The metadata of the user index, or nil before the first build.
  /// - Throws: `SQLiteError`.
  public func indexMeta() throws -> IndexMeta? {
    try read { db in
      try db.first("SELECT embedder, dimension, stale FROM index_meta WHERE name = ?", [Self.userIndexName]) {
        IndexMeta(embedder: $0.string(0), dimension: $0.int(1), stale: $0.bool(2))
      }
    }
  }

  /// Stores the metadata of the user index.
  /// - Throws: `SQLiteError`.
  public func setIndexMeta(_ meta: IndexMeta) throws {
    try transaction { db in
      try db.run(
        "INSERT OR REPLACE INTO index_meta (name, embedder, dimension, stale, updated_at) VALUES (?, ?, ?, ?, ?)",
        [Self.userIndexName, meta.embedder, meta.dimension, meta.stale, Int64(Date().timeIntervalSince1970)])
    }
  }

  private static let pendingCondition = """
    FROM reviews r LEFT JOIN review_vectors v ON v.review_id = r.id AND v.embedder = ?1
    WHERE v.review_id IS NULL OR v.text_hash != r.text_hash
    """

  /// Reviews without a current vector under `embedder`.
  /// - Throws: `SQLiteError`.
  public func pendingReviewCount(embedder: String) throws -> Int {
    try read { db in Int(try db.scalar("SELECT count(*) \(Self.pendingCondition)", [embedder])) }
  }

  /// Up to `limit` reviews without a current vector under `embedder`, with ids above `after`, by id.
  /// - Throws: `SQLiteError`.
  public func pendingReviews(embedder: String, after: Int64, limit: Int) throws -> [PendingReview] {
    try read { db in
      var rows: [PendingReview] = []
      try db.query(
        "SELECT r.id, r.user_id, r.title, r.text, r.text_hash \(Self.pendingCondition) AND r.id > ?2 ORDER BY r.id LIMIT ?3",
        [embedder, after, limit]
      ) {
        rows.append(
          PendingReview(
            id: $0.int64(0), userID: $0.string(1), title: $0.string(2), text: $0.string(3), textHash: $0.int64(4)))
      }
      return rows
    }
  }

  /// Stores vectors of reviews in one transaction.
  /// - Throws: `SQLiteError`.
  public func storeReviewVectors(_ rows: [(review: PendingReview, vector: [Float])], embedder: String) throws {
    try transaction { db in try Self.storeVectors(rows, embedder: embedder, db) }
  }

  static func storeVectors(_ rows: [(review: PendingReview, vector: [Float])], embedder: String, _ db: SQLiteConnection)
    throws
  {
    for row in rows {
      try db.run(
        "INSERT OR REPLACE INTO review_vectors (review_id, embedder, text_hash, vector) VALUES (?, ?, ?, ?)",
        [row.review.id, embedder, row.review.textHash, row.vector])
    }
  }

  /// Stores a review and, when given, its vector under `embedder`, in one transaction: either both
  /// are stored or neither. A duplicate review stores nothing.
  /// - Returns: what happened to the review.
  /// - Throws: `SQLiteError`.
  public func addReview(_ review: Review, vector: [Float]?, embedder: String?) throws -> AddResult {
    try transaction { db in
      let result = try Self.insert(review, db)
      if case .inserted(let id) = result, let vector, let embedder {
        let pending = PendingReview(
          id: id, userID: review.userID, title: review.title, text: review.text, textHash: TextHash.of(review.text))
        try Self.storeVectors([(pending, vector)], embedder: embedder, db)
      }
      return result
    }
  }

  /// Deletes every vector whose embedder name starts with `prefix`.
  /// - Throws: `SQLiteError`.
  public func deleteReviewVectors(embedderPrefix prefix: String) throws {
    try transaction { db in
      try db.run("DELETE FROM review_vectors WHERE substr(embedder, 1, length(?1)) = ?1", [prefix])
    }
  }

  /// The user's review vectors under `embedder`, oldest first.
  /// - Throws: `SQLiteError`.
  public func reviewVectors(ofUser userID: String, embedder: String) throws -> [StoredReviewVector] {
    try read { db in
      var rows: [StoredReviewVector] = []
      try db.query(
        """
        SELECT r.id, r.item_id, r.timestamp, v.vector FROM reviews r
        JOIN review_vectors v ON v.review_id = r.id AND v.embedder = ?
        WHERE r.user_id = ? ORDER BY r.timestamp, r.id
        """, [embedder, userID]
      ) {
        rows.append(
          StoredReviewVector(reviewID: $0.int64(0), itemID: $0.string(1), timestamp: $0.int64(2), vector: $0.floats(3)))
      }
      return rows
    }
  }

  /// The vectors under `embedder` of the reviews with these ids (absent ones are left out).
  /// - Throws: `SQLiteError`.
  public func reviewVectors(_ reviewIDs: [Int64], embedder: String) throws -> [Int64: [Float]] {
    guard !reviewIDs.isEmpty else { return [:] }
    // One statement for the whole list (a JSON array of the ids): a point query per id cost a
    // statement step, reset and bind each, for the ~20 reviewers of every key item. CROSS JOIN
    // keeps the ids as the outer loop (a primary-key lookup each); left to itself the planner
    // scans every vector of the embedder instead.
    let list = Self.jsonList(reviewIDs.map { .int($0) })
    return try read { db in
      var vectors: [Int64: [Float]] = [:]
      try db.query(Self.vectorsByIDSQL, [list, embedder]) { vectors[$0.int64(0)] = $0.floats(1) }
      return vectors
    }
  }

  /// The vectors of a JSON array of review ids (`?1`) under an embedder (`?2`).
  static let vectorsByIDSQL = """
    SELECT v.review_id, v.vector FROM json_each(?) AS wanted
    CROSS JOIN review_vectors v ON v.review_id = wanted.value AND v.embedder = ?
    """

  /// Users with at least one review vector under `embedder`, sorted.
  /// - Throws: `SQLiteError`.
  public func usersWithVectors(embedder: String) throws -> [String] {
    try strings(
      """
      SELECT DISTINCT r.user_id FROM review_vectors v JOIN reviews r ON r.id = v.review_id
      WHERE v.embedder = ? ORDER BY r.user_id
      """, [embedder])
  }

  /// Number of review vectors under `embedder`.
  /// - Throws: `SQLiteError`.
  public func vectorCount(embedder: String) throws -> Int {
    try read { db in Int(try db.scalar("SELECT count(*) FROM review_vectors WHERE embedder = ?", [embedder])) }
  }
}

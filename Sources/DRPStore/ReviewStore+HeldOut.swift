// Held-out marks (a user's review kept out for evaluation) and the reviews a fitted embedder state left out.
import Foundation

/// A user's review marked as held out: the review `drp eval --targets` asks the pipeline to write.
public struct HeldOutMark: Sendable, Equatable {
  /// The user.
  public var userID: String
  /// Row id of the held-out review.
  public var reviewID: Int64
  /// Where the mark came from (`dpl`: the target of a DPL benchmark row).
  public var source: String

  /// Creates a mark.
  public init(userID: String, reviewID: Int64, source: String) {
    self.userID = userID
    self.reviewID = reviewID
    self.source = source
  }
}

extension ReviewStore {
  /// Every held-out mark (of `source` when given), by user id.
  /// - Throws: `SQLiteError`.
  public func heldOutMarks(source: String? = nil) throws -> [HeldOutMark] {
    try read { db in
      var marks: [HeldOutMark] = []
      let sql = "SELECT user_id, review_id, source FROM held_out" + (source == nil ? "" : " WHERE source = ?")
      try db.query(sql + " ORDER BY user_id", source.map { [$0] } ?? []) {
        marks.append(HeldOutMark(userID: $0.string(0), reviewID: $0.int64(1), source: $0.string(2)))
      }
      return marks
    }
  }

  /// Marks `reviewID` as `user`'s held-out review unless the user's current mark is a later review (by
  /// timestamp, then id): a user keeps one held-out review, the latest target imported.
  /// - Returns: true when the mark was set.
  static func markHeldOutIfLater(user: String, reviewID: Int64, source: String, _ db: SQLiteConnection) throws -> Bool {
    let order = "SELECT timestamp, id FROM reviews WHERE id = ?"
    if let current = try db.first("SELECT review_id FROM held_out WHERE user_id = ?", [user], { $0.int64(0) }) {
      guard current != reviewID else { return false }
      let old = try db.first(order, [current]) { ($0.int64(0), $0.int64(1)) }
      let new = try db.first(order, [reviewID]) { ($0.int64(0), $0.int64(1)) }
      if let old, let new, old > new { return false }
    }
    try db.run(
      "INSERT OR REPLACE INTO held_out (user_id, review_id, source) VALUES (?, ?, ?)", [user, reviewID, source])
    return true
  }

  /// The row id of the review with this duplicate key (user, item, timestamp, text), if stored.
  static func reviewID(user: String, item: String, timestamp: Int64, text: String, _ db: SQLiteConnection) throws
    -> Int64?
  {
    try db.first(
      "SELECT id FROM reviews WHERE user_id = ? AND timestamp = ? AND item_id = ? AND text_hash = ?",
      [user, timestamp, item, TextHash.of(text)]
    ) { $0.int64(0) }
  }

  // MARK: Fit exclusions

  /// The reviews `key`'s fitted state was fitted without.
  /// - Throws: `SQLiteError`.
  public func fitExclusions(_ key: String) throws -> Set<Int64> {
    try read { db in
      var ids = Set<Int64>()
      try db.query("SELECT review_id FROM fit_exclusions WHERE embedder = ?", [key]) { ids.insert($0.int64(0)) }
      return ids
    }
  }

  /// The largest review id when `key`'s state was fitted: nil when there is no state, `Int64.max` when the
  /// state predates the record (it may have counted any review).
  /// - Throws: `SQLiteError`.
  public func fittedThrough(_ key: String) throws -> Int64? {
    try read { db in
      try db.first("SELECT fitted_through FROM embedder_state WHERE embedder = ?", [key]) { row -> Int64 in
        let through = row.int64(0)
        return through > 0 ? through : Int64.max
      }
    }
  }

  /// The largest review id (0 for an empty store).
  /// - Throws: `SQLiteError`.
  public func maxReviewID() throws -> Int64 {
    try read { db in try db.scalar("SELECT coalesce(max(id), 0) FROM reviews", []) }
  }

  /// Stores (or replaces) `key`'s fitted state with the reviews it was fitted through and without.
  /// - Throws: `SQLiteError`.
  public func setEmbedderState(
    _ key: String, idf: Data, documents: Int, fittedThrough: Int64, excluded: Set<Int64>
  ) throws {
    try transaction { db in
      try db.run(
        """
        INSERT OR REPLACE INTO embedder_state (embedder, idf, documents, updated_at, fitted_through)
        VALUES (?, ?, ?, ?, ?)
        """,
        [key, idf, documents, Int64(Date().timeIntervalSince1970), fittedThrough])
      try db.run("DELETE FROM fit_exclusions WHERE embedder = ?", [key])
      for id in excluded.sorted() {
        try db.run("INSERT INTO fit_exclusions (embedder, review_id) VALUES (?, ?)", [key, id])
      }
    }
  }

  /// Passes every review's id, title and text to `body` in id order, up to review `through`.
  /// - Throws: `SQLiteError`.
  public func forEachReview(through: Int64, _ body: (_ id: Int64, _ title: String, _ text: String) -> Void) throws {
    try read { db in
      try db.query("SELECT id, title, text FROM reviews WHERE id <= ? ORDER BY id", [through]) {
        body($0.int64(0), $0.string(1), $0.string(2))
      }
    }
  }
}

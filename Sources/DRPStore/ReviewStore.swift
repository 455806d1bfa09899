// The SQLite-backed store of users, items and reviews.
import CSQLite
import Foundation

/// Users, items and reviews in one SQLite database (WAL mode, foreign keys on). Thread-safe: every
/// call is serialised by a recursive lock, so `transaction` bodies may call other methods.
public final class ReviewStore: @unchecked Sendable {
  /// The database file name inside a drp home directory.
  public static let fileName = "drp.sqlite"

  private let connection: SQLiteConnection
  private let lock = NSRecursiveLock()
  private var transactionDepth = 0

  /// Opens or creates the database at `path` and brings its schema up to date.
  /// - Parameters:
  ///   - path: The SQLite file; its directory must exist.
  ///   - busyTimeoutMs: How long to wait for another process's lock.
  /// - Throws: `SQLiteError` when the file cannot be opened or migrated.
  public init(path: String, busyTimeoutMs: Int = 5000) throws {
    connection = try SQLiteConnection(path: path)
    sqlite3_busy_timeout(connection.handle, Int32(clamping: busyTimeoutMs))
    try connection.execute(
      """
      PRAGMA journal_mode=WAL;
      PRAGMA synchronous=NORMAL;
      PRAGMA foreign_keys=ON;
      PRAGMA cache_size=\(Self.cacheSizeKiB);
      PRAGMA temp_store=MEMORY;
      """)
    try migrate()
    try restoreDeferredIndexes()
  }

  /// `PRAGMA cache_size` (negative: KiB): a 64 MiB page cache.
  private static let cacheSizeKiB = -65536

  /// Opens the store of a drp home directory (`<home>/drp.sqlite`), creating the directory if needed.
  /// - Throws: file-system errors or `SQLiteError`.
  public convenience init(home: String, busyTimeoutMs: Int = 5000) throws {
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    try self.init(path: (home as NSString).appendingPathComponent(Self.fileName), busyTimeoutMs: busyTimeoutMs)
  }

  /// The schema version (number of `StoreMigration.all` entries applied).
  public var schemaVersion: Int32 { (try? withConnection { try $0.userVersion }) ?? 0 }

  private func migrate() throws {
    let current = Int(try connection.userVersion)
    guard current < StoreMigration.all.count else { return }
    for version in current..<StoreMigration.all.count {
      try transaction {
        try connection.execute(StoreMigration.all[version].sql)
        try connection.execute("PRAGMA user_version = \(version + 1)")
      }
    }
  }

  /// Secondary indexes that no write needs (lookups only), which a bulk import into an empty
  /// store may drop and rebuild at the end: one `CREATE INDEX` over sorted data is much faster
  /// than maintaining the index row by row. The statements are the ones of `StoreMigration.all`.
  static let deferrableIndexes: [(name: String, on: String)] = [
    (name: "reviews_by_item_user", on: "reviews(item_id, user_id)")
  ]

  /// Creates any deferrable index that is missing, e.g. after an import was killed before it
  /// rebuilt them. A no-op (a schema lookup) when they all exist.
  func restoreDeferredIndexes() throws {
    try withConnection { db in
      let missing = try Self.deferrableIndexes.filter { index in
        let stmt = try db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?")
        return try !stmt.step(index.name)
      }
      guard !missing.isEmpty else { return }
      // The build sorts every row. The sorter keeps up to `cache_size` in memory, then spills to a
      // temporary file (`temp_store=FILE`), so 16 MiB during the build keeps memory flat in store size.
      try db.execute("PRAGMA temp_store=FILE; PRAGMA cache_size=-16384")
      defer { try? db.execute("PRAGMA temp_store=MEMORY; PRAGMA cache_size=\(Self.cacheSizeKiB)") }
      for index in missing { try db.execute("CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.on)") }
    }
  }

  /// Drops the deferrable indexes when the store holds no review yet.
  /// - Returns: true when they were dropped (call `restoreDeferredIndexes()` afterwards).
  func dropDeferrableIndexesIfEmpty() throws -> Bool {
    try transaction {
      try withConnection { db in
        guard try db.scalar("SELECT EXISTS (SELECT 1 FROM reviews)") == 0 else { return false }
        for index in Self.deferrableIndexes { try db.execute("DROP INDEX IF EXISTS \(index.name)") }
        return true
      }
    }
  }

  /// Runs `body` with exclusive use of the connection, for modules that keep their own tables.
  /// Use `connection.cached(sql)` for statements run repeatedly.
  public func withConnection<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    return try body(connection)
  }

  /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
  /// Nested calls become savepoints.
  public func transaction<T>(_ body: () throws -> T) throws -> T {
    lock.lock()
    defer { lock.unlock() }
    let depth = transactionDepth
    try connection.execute(depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT sp\(depth)")
    transactionDepth += 1
    defer { transactionDepth -= 1 }
    do {
      let result = try body()
      try connection.execute(depth == 0 ? "COMMIT" : "RELEASE sp\(depth)")
      return result
    } catch {
      try? connection.execute(depth == 0 ? "ROLLBACK" : "ROLLBACK TO sp\(depth); RELEASE sp\(depth)")
      throw error
    }
  }

  // MARK: Reading

  /// The user with this id, with their review count, or nil.
  public func user(_ id: String) -> User? {
    withConnection { db in
      guard
        let stmt = try? db.cached("SELECT (SELECT count(*) FROM reviews WHERE user_id = ?1) FROM users WHERE id = ?1"),
        (try? stmt.step(id)) == true
      else { return nil }
      return User(id: id, reviewCount: stmt.int(0))
    }
  }

  /// The item with this id, or nil.
  public func item(_ id: String) -> Item? {
    withConnection { db in
      guard
        let stmt = try? db.cached(
          "SELECT id, title, description, categories, main_category, metadata FROM items WHERE id = ?"),
        (try? stmt.step(id)) == true
      else { return nil }
      let categories = (try? JSONDecoder().decode([String].self, from: Data(stmt.string(3).utf8))) ?? []
      return Item(
        id: stmt.string(0), title: stmt.string(1), description: stmt.string(2), categories: categories,
        mainCategory: stmt.string(4), metadataJSON: stmt.string(5))
    }
  }

  private static let reviewColumns =
    "id, user_id, item_id, rating, title, text, timestamp, helpful_votes, verified FROM reviews"

  /// The user's reviews, oldest first.
  public func reviews(ofUser userID: String) -> [Review] {
    reviewRows("SELECT \(Self.reviewColumns) WHERE user_id = ? ORDER BY timestamp, id", userID)
  }

  /// The item's reviews, oldest first.
  public func reviews(ofItem itemID: String) -> [Review] {
    reviewRows("SELECT \(Self.reviewColumns) WHERE item_id = ? ORDER BY timestamp, id", itemID)
  }

  /// The review with this row id, or nil.
  public func review(id: Int64) -> Review? {
    withConnection { db in
      guard let stmt = try? db.cached("SELECT \(Self.reviewColumns) WHERE id = ?") else { return nil }
      stmt.bind(1, id)
      return (try? stmt.step()) == true ? Self.review(from: stmt) : nil
    }
  }

  /// Ids of the users who reviewed the item, sorted, each once.
  public func reviewers(ofItem itemID: String) -> [String] {
    withConnection { db in
      guard let stmt = try? db.cached("SELECT DISTINCT user_id FROM reviews WHERE item_id = ? ORDER BY user_id")
      else { return [] }
      stmt.bind(1, itemID)
      var ids: [String] = []
      while (try? stmt.step()) == true { ids.append(stmt.string(0)) }
      return ids
    }
  }

  /// Every user id, sorted.
  public func allUserIDs() -> [String] {
    withConnection { db in
      guard let stmt = try? db.cached("SELECT id FROM users ORDER BY id") else { return [] }
      var ids: [String] = []
      while (try? stmt.step()) == true { ids.append(stmt.string(0)) }
      return ids
    }
  }

  /// Users with their review counts, sorted by id, at most `limit` of them.
  public func users(limit: Int) -> [User] {
    withConnection { db in
      guard
        let stmt = try? db.cached(
          "SELECT id, (SELECT count(*) FROM reviews WHERE user_id = users.id) FROM users ORDER BY id LIMIT ?")
      else { return [] }
      stmt.bind(1, limit)
      var users: [User] = []
      while (try? stmt.step()) == true { users.append(User(id: stmt.string(0), reviewCount: stmt.int(1))) }
      return users
    }
  }

  /// Row counts.
  public func stats() -> StoreStats {
    withConnection { db in
      StoreStats(
        users: Int((try? db.scalar("SELECT count(*) FROM users")) ?? 0),
        items: Int((try? db.scalar("SELECT count(*) FROM items")) ?? 0),
        reviews: Int((try? db.scalar("SELECT count(*) FROM reviews")) ?? 0))
    }
  }

  private func reviewRows(_ sql: String, _ key: String) -> [Review] {
    withConnection { db in
      guard let stmt = try? db.cached(sql) else { return [] }
      stmt.bind(1, key)
      var rows: [Review] = []
      while (try? stmt.step()) == true { rows.append(Self.review(from: stmt)) }
      return rows
    }
  }

  private static func review(from stmt: SQLiteStatement) -> Review {
    Review(
      id: stmt.int64(0), userID: stmt.string(1), itemID: stmt.string(2), rating: stmt.double(3),
      title: stmt.string(4), text: stmt.string(5), timestamp: stmt.int64(6), helpfulVotes: stmt.int(7),
      verified: stmt.bool(8))
  }

  // MARK: Writing

  /// Inserts one review row unless an identical one is stored (the unique key on user, item,
  /// timestamp and text hash decides). The importer and ``addReview(_:)`` both write reviews
  /// through this one statement, so the duplicate rule lives in one place.
  /// - Returns: true when the row was inserted, false for a duplicate.
  static func insertReview(_ row: ParsedLine.ReviewRow, _ db: SQLiteConnection) throws -> Bool {
    let stmt = try db.cached(
      """
      INSERT OR IGNORE INTO reviews (user_id, item_id, rating, title, text, timestamp, helpful_votes, verified, text_hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    stmt.bind(1, row.user)
    stmt.bind(2, row.item)
    stmt.bind(3, row.rating)
    stmt.bind(4, row.title)
    stmt.bind(5, row.text)
    stmt.bind(6, row.timestamp)
    stmt.bind(7, row.helpful)
    stmt.bind(8, row.verified)
    stmt.bind(9, row.textHash)
    try stmt.run()
    return db.changes == 1
  }

  /// Stores a review, creating its user and (bare) item when unknown. `review.id` is ignored.
  /// - Returns: `.inserted(rowID)` or `.duplicate` when the same user, item, timestamp and text exist.
  /// - Throws: `SQLiteError`.
  @discardableResult
  public func addReview(_ review: Review) throws -> AddResult {
    try withConnection { db in
      _ = try Self.insertUser(review.userID, db)
      _ = try Self.insertBareItem(review.itemID, db)
      let row = ParsedLine.ReviewRow(
        user: review.userID, item: review.itemID, rating: review.rating, title: review.title, text: review.text,
        timestamp: review.timestamp, helpful: Int64(review.helpfulVotes), verified: review.verified,
        textHash: TextHash.of(review.text))
      return try Self.insertReview(row, db) ? .inserted(db.lastInsertRowID) : .duplicate
    }
  }

  /// Inserts the user if unknown.
  /// - Returns: true when the user is new.
  /// - Throws: `SQLiteError`.
  @discardableResult
  public func addUser(_ id: String) throws -> Bool {
    try withConnection { try Self.insertUser(id, $0) }
  }

  /// Inserts the item or replaces its metadata.
  /// - Returns: true when the item is new.
  /// - Throws: `SQLiteError`.
  @discardableResult
  public func upsertItem(_ item: Item) throws -> Bool {
    try withConnection { db in
      let isNew = try Self.insertBareItem(item.id, db)
      let categories = (try? JSONEncoder().encode(item.categories)).map { String(decoding: $0, as: UTF8.self) }
      try Self.updateItemMetadata(
        item.id, title: item.title, description: item.description, categoriesJSON: categories ?? "[]",
        mainCategory: item.mainCategory, metadataJSON: item.metadataJSON, db)
      return isNew
    }
  }

  /// Replaces an existing item's metadata (shared with the importer).
  static func updateItemMetadata(
    _ id: String, title: String?, description: String?, categoriesJSON: String?, mainCategory: String?,
    metadataJSON: String?, _ db: SQLiteConnection
  ) throws {
    let stmt = try db.cached(
      "UPDATE items SET title = ?, description = ?, categories = ?, main_category = ?, metadata = ? WHERE id = ?")
    stmt.bind(1, title)
    stmt.bind(2, description)
    stmt.bind(3, categoriesJSON)
    stmt.bind(4, mainCategory)
    stmt.bind(5, metadataJSON)
    stmt.bind(6, id)
    try stmt.run()
  }

  /// Inserts the user if unknown (shared with the importer). Returns true when the user is new.
  static func insertUser(_ id: String, _ db: SQLiteConnection) throws -> Bool {
    let stmt = try db.cached("INSERT OR IGNORE INTO users (id) VALUES (?)")
    stmt.bind(1, id)
    try stmt.run()
    return db.changes == 1
  }

  /// Inserts an item without metadata if unknown (shared with the importer). Returns true when new.
  static func insertBareItem(_ id: String, _ db: SQLiteConnection) throws -> Bool {
    let stmt = try db.cached("INSERT OR IGNORE INTO items (id) VALUES (?)")
    stmt.bind(1, id)
    try stmt.run()
    return db.changes == 1
  }
}

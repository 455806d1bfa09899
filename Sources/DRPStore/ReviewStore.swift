// The SQLite-backed store of users, items and reviews.
import CSQLite
import DRPCore
import Foundation

/// Users, items and reviews in one SQLite database (WAL mode, foreign keys on), plus the tables
/// the rest of drp keeps there (review vectors, index metadata, stored profiles, the LLM reply
/// cache; see the `ReviewStore+…` files). All SQL of drp lives in this module.
///
/// Thread-safe. Reads run on pooled reader connections and never wait for a write; writes are
/// serialised on one writer connection (see `StoreConnections`). Every statement is reset when its
/// call returns, so each read sees what was committed before it started, by this process or any
/// other. Reads throw on a database failure: "absent" (nil, an empty list) and "failed" (an
/// error) are different answers.
public final class ReviewStore: Sendable {
  /// The database file name inside a drp home directory.
  public static let fileName = "drp.sqlite"

  let connections: StoreConnections

  /// Opens or creates the database at `path` and brings its schema up to date.
  /// - Parameters:
  ///   - path: The SQLite file; its directory must exist.
  ///   - busyTimeoutMs: How long a write waits for another process's write to finish.
  /// - Throws: `SQLiteError` when the file cannot be opened or migrated.
  public init(path: String, busyTimeoutMs: Int = 5000) throws {
    connections = try StoreConnections(path: path, busyTimeoutMs: busyTimeoutMs) { db in
      try Self.migrate(db)
      try Self.restoreDeferredIndexes(db)
    }
  }

  /// Opens the store of a drp home directory (`<home>/drp.sqlite`), creating the directory if needed.
  /// - Throws: file-system errors or `SQLiteError`.
  public convenience init(home: String, busyTimeoutMs: Int = 5000) throws {
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    try self.init(path: Self.path(home: home), busyTimeoutMs: busyTimeoutMs)
  }

  /// `<home>/drp.sqlite`.
  public static func path(home: String) -> String { (home as NSString).appendingPathComponent(fileName) }

  /// Whether `home` holds a store.
  public static func exists(home: String) -> Bool { FileManager.default.fileExists(atPath: path(home: home)) }

  /// The schema version (number of `StoreMigration.all` entries applied).
  /// - Throws: `SQLiteError`.
  public func schemaVersion() throws -> Int32 { try read { try $0.userVersion } }

  private static func migrate(_ db: SQLiteConnection) throws {
    let current = Int(try db.userVersion)
    guard current < StoreMigration.all.count else { return }
    for version in current..<StoreMigration.all.count {
      try db.execute("BEGIN IMMEDIATE")
      do {
        // Another process may have migrated while this one waited for the lock.
        if try db.userVersion <= version {
          try db.execute(StoreMigration.all[version].sql)
          try db.execute("PRAGMA user_version = \(version + 1)")
        }
        try db.execute("COMMIT")
      } catch {
        try? db.execute("ROLLBACK")
        throw error
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
  func restoreDeferredIndexes() throws { try connections.write { try Self.restoreDeferredIndexes($0) } }

  private static func restoreDeferredIndexes(_ db: SQLiteConnection) throws {
    let missing = try deferrableIndexes.filter { index in
      try db.first("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", [index.name]) { _ in true } == nil
    }
    guard !missing.isEmpty else { return }
    // The build sorts every row. The sorter keeps up to `cache_size` in memory, then spills to a
    // temporary file (`temp_store=FILE`), so 16 MiB during the build keeps memory flat in store size.
    try db.execute("PRAGMA temp_store=FILE; PRAGMA cache_size=-16384")
    defer { try? db.execute("PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536") }
    for index in missing { try db.execute("CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.on)") }
  }

  /// Drops the deferrable indexes when the store holds no review yet.
  /// - Returns: true when they were dropped (call `restoreDeferredIndexes()` afterwards).
  func dropDeferrableIndexesIfEmpty() throws -> Bool {
    try transaction { db in
      guard try db.scalar("SELECT EXISTS (SELECT 1 FROM reviews)") == 0 else { return false }
      for index in Self.deferrableIndexes { try db.execute("DROP INDEX IF EXISTS \(index.name)") }
      return true
    }
  }

  // MARK: Connections

  /// Runs `body` on a reader connection; the statements it runs are reset when they return.
  func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T { try connections.read(body) }

  /// Runs `body` in a write transaction on the writer connection: committed when it returns,
  /// rolled back when it throws. Nested calls become savepoints.
  @discardableResult
  func transaction<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    try connections.write { db in
      let depth = db.transactionDepth
      try db.execute(depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT sp\(depth)")
      db.transactionDepth += 1
      defer { db.transactionDepth -= 1 }
      do {
        let result = try body(db)
        try db.execute(depth == 0 ? "COMMIT" : "RELEASE sp\(depth)")
        return result
      } catch {
        try? db.execute(depth == 0 ? "ROLLBACK" : "ROLLBACK TO sp\(depth); RELEASE sp\(depth)")
        throw error
      }
    }
  }

  /// Runs `body` on the writer connection outside any transaction (pragmas of a bulk import).
  func withWriter<T>(_ body: (SQLiteConnection) throws -> T) throws -> T { try connections.write(body) }

  // MARK: Reading

  /// The user with this id, with their review count, or nil when there is no such user.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func user(_ id: String) throws -> User? {
    try read { db in
      try db.first("SELECT (SELECT count(*) FROM reviews WHERE user_id = ?1) FROM users WHERE id = ?1", [id]) {
        User(id: id, reviewCount: $0.int(0))
      }
    }
  }

  /// The item with this id, or nil when there is no such item.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func item(_ id: String) throws -> Item? {
    try read { db in
      try db.first("SELECT id, title, description, categories, main_category, metadata FROM items WHERE id = ?", [id]) {
        Item(
          id: $0.string(0), title: $0.string(1), description: $0.string(2),
          categories: Self.stringArray($0.string(3)),
          mainCategory: $0.string(4), metadataJSON: $0.string(5))
      }
    }
  }

  /// The strings of `text`, a JSON array of strings (as the importer stores an item's
  /// categories); [] for anything else. drp's own parser: 2 µs for a three-category array where a
  /// `JSONDecoder` took 8-13 µs, and a cold profile looks up every item of the user's history.
  static func stringArray(_ text: String) -> [String] {
    guard let values = (try? JSONParser().parse(text))?.array else { return [] }
    let strings = values.compactMap(\.string)
    return strings.count == values.count ? strings : []
  }

  /// The columns `review(from:)` reads, in its order.
  static let reviewColumnNames = [
    "id", "user_id", "item_id", "rating", "title", "text", "timestamp", "helpful_votes", "verified",
  ]
  /// Those columns and their table: `SELECT \(reviewColumns) WHERE …`.
  static let reviewColumns = reviewColumnNames.joined(separator: ", ") + " FROM reviews"

  /// The user's reviews, oldest first.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func reviews(ofUser userID: String) throws -> [Review] {
    try reviewRows("SELECT \(Self.reviewColumns) WHERE user_id = ? ORDER BY timestamp, id", [userID])
  }

  /// The item's reviews, oldest first.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func reviews(ofItem itemID: String) throws -> [Review] {
    try reviewRows("SELECT \(Self.reviewColumns) WHERE item_id = ? ORDER BY timestamp, id", [itemID])
  }

  /// The item's reviews as (row id, author) pairs, oldest first: the order of
  /// ``reviews(ofItem:)`` without reading titles and texts (peer choice needs only these).
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func reviewAuthors(ofItem itemID: String) throws -> [(id: Int64, userID: String)] {
    try read { db in
      var rows: [(id: Int64, userID: String)] = []
      try db.query("SELECT id, user_id FROM reviews WHERE item_id = ? ORDER BY timestamp, id", [itemID]) {
        rows.append((id: $0.int64(0), userID: $0.string(1)))
      }
      return rows
    }
  }

  /// The reviews with these row ids, in the order of `ids` (unknown ids are left out), read with
  /// one statement.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func reviews(ids: [Int64]) throws -> [Review] {
    guard !ids.isEmpty else { return [] }
    // CROSS JOIN keeps the ids as the outer loop (a primary-key lookup each), as in `reviewVectors`.
    return try reviewRows(Self.reviewsByIDSQL, [Self.jsonList(ids.map { .int($0) })])
  }

  /// The reviews of a JSON array of row ids (`?`), in its order (the columns qualified:
  /// `json_each` has an `id` column too).
  static let reviewsByIDSQL =
    "SELECT " + reviewColumnNames.map { "r." + $0 }.joined(separator: ", ")
    + " FROM json_each(?) AS wanted CROSS JOIN reviews r ON r.id = wanted.value ORDER BY wanted.key"

  /// The review with this row id, or nil.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func review(id: Int64) throws -> Review? {
    try read { db in try db.first("SELECT \(Self.reviewColumns) WHERE id = ?", [id], Self.review(from:)) }
  }

  /// Ids of the users who reviewed the item, sorted, each once.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func reviewers(ofItem itemID: String) throws -> [String] {
    try strings("SELECT DISTINCT user_id FROM reviews WHERE item_id = ? ORDER BY user_id", [itemID])
  }

  /// For each of `items`, the number of users other than `user` with a review of it that is not
  /// one of `excludingReviews` (items nobody else reviewed are absent).
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func otherReviewerCounts(ofItems items: [String], excludingUser user: String, excludingReviews: Set<Int64>)
    throws -> [String: Int]
  {
    guard !items.isEmpty else { return [:] }
    // One statement for every item (a JSON array of their ids); CROSS JOIN keeps the item list as
    // the outer loop, each item an index search.
    let wanted = Self.jsonList(items.map { .string($0) })
    let excluded = Self.jsonList(excludingReviews.sorted().map { .int($0) })
    return try read { db in
      var counts: [String: Int] = [:]
      try db.query(
        """
        SELECT wanted.value, count(DISTINCT r.user_id) FROM json_each(?) AS wanted
        CROSS JOIN reviews r ON r.item_id = wanted.value
        WHERE r.user_id != ? AND r.id NOT IN (SELECT value FROM json_each(?))
        GROUP BY wanted.value
        """, [wanted, user, excluded]
      ) { row in
        let count = Int(row.int64(1))
        if count > 0 { counts[row.string(0)] = count }
      }
      return counts
    }
  }

  /// The number of the user's reviews that are not in `excluding`.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func reviewCount(ofUser user: String, excluding: Set<Int64> = []) throws -> Int {
    let excluded = Self.jsonList(excluding.sorted().map { .int($0) })
    return try read { db in
      Int(
        try db.scalar(
          "SELECT count(*) FROM reviews WHERE user_id = ? AND id NOT IN (SELECT value FROM json_each(?))",
          [user, excluded]))
    }
  }

  /// `values` as the JSON array text a statement reads with `json_each(?)` (a list bound as one
  /// parameter, so the statement's text, and its cached compilation, stays the same).
  static func jsonList(_ values: [JSONValue]) -> String {
    String(decoding: JSONWriter.bytes(.array(values)), as: UTF8.self)
  }

  /// Every user id, sorted.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func allUserIDs() throws -> [String] { try strings("SELECT id FROM users ORDER BY id", []) }

  /// Users with their review counts, sorted by id, at most `limit` of them.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func users(limit: Int) throws -> [User] {
    try read { db in
      var users: [User] = []
      try db.query(
        "SELECT id, (SELECT count(*) FROM reviews WHERE user_id = users.id) FROM users ORDER BY id LIMIT ?", [limit]
      ) { users.append(User(id: $0.string(0), reviewCount: $0.int(1))) }
      return users
    }
  }

  /// Row counts.
  /// - Throws: `SQLiteError` when the database cannot be read.
  public func stats() throws -> StoreStats {
    try read { db in
      StoreStats(
        users: Int(try db.scalar("SELECT count(*) FROM users")),
        items: Int(try db.scalar("SELECT count(*) FROM items")),
        reviews: Int(try db.scalar("SELECT count(*) FROM reviews")))
    }
  }

  func reviewRows(_ sql: String, _ arguments: [any SQLiteBindable]) throws -> [Review] {
    try read { db in
      var rows: [Review] = []
      try db.query(sql, arguments) { rows.append(Self.review(from: $0)) }
      return rows
    }
  }

  func strings(_ sql: String, _ arguments: [any SQLiteBindable]) throws -> [String] {
    try read { db in
      var values: [String] = []
      try db.query(sql, arguments) { values.append($0.string(0)) }
      return values
    }
  }

  static func review(from stmt: SQLiteStatement) -> Review {
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
    try db.run(
      """
      INSERT OR IGNORE INTO reviews (user_id, item_id, rating, title, text, timestamp, helpful_votes, verified, text_hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        row.user, row.item, row.rating, row.title, row.text, row.timestamp, row.helpful, row.verified, row.textHash,
      ]) == 1
  }

  /// Stores a review, creating its user and (bare) item when unknown. `review.id` is ignored.
  /// - Returns: `.inserted(rowID)` or `.duplicate` when the same user, item, timestamp and text exist.
  /// - Throws: `SQLiteError`.
  @discardableResult
  public func addReview(_ review: Review) throws -> AddResult {
    try transaction { try Self.insert(review, $0) }
  }

  /// Stores reviews in one transaction (see ``addReview(_:)``).
  /// - Returns: one result per review, in order.
  /// - Throws: `SQLiteError` (nothing is stored then).
  @discardableResult
  public func addReviews(_ reviews: [Review]) throws -> [AddResult] {
    try transaction { db in try reviews.map { try Self.insert($0, db) } }
  }

  static func insert(_ review: Review, _ db: SQLiteConnection) throws -> AddResult {
    _ = try insertUser(review.userID, db)
    _ = try insertBareItem(review.itemID, db)
    let row = ParsedLine.ReviewRow(
      user: review.userID, item: review.itemID, rating: review.rating, title: review.title, text: review.text,
      timestamp: review.timestamp, helpful: Int64(review.helpfulVotes), verified: review.verified,
      textHash: TextHash.of(review.text))
    return try insertReview(row, db) ? .inserted(db.lastInsertRowID) : .duplicate
  }

  /// Inserts the user if unknown.
  /// - Returns: true when the user is new.
  /// - Throws: `SQLiteError`.
  @discardableResult
  public func addUser(_ id: String) throws -> Bool {
    try transaction { try Self.insertUser(id, $0) }
  }

  /// Inserts the item or replaces its metadata.
  /// - Returns: true when the item is new.
  /// - Throws: `SQLiteError`.
  @discardableResult
  public func upsertItem(_ item: Item) throws -> Bool {
    let categories = (try? JSONEncoder().encode(item.categories)).map { String(decoding: $0, as: UTF8.self) }
    return try transaction { db in
      let isNew = try Self.insertBareItem(item.id, db)
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
    try db.run(
      "UPDATE items SET title = ?, description = ?, categories = ?, main_category = ?, metadata = ? WHERE id = ?",
      [title, description, categoriesJSON, mainCategory, metadataJSON, id])
  }

  /// Inserts the user if unknown (shared with the importer). Returns true when the user is new.
  static func insertUser(_ id: String, _ db: SQLiteConnection) throws -> Bool {
    try db.run("INSERT OR IGNORE INTO users (id) VALUES (?)", [id]) == 1
  }

  /// Inserts an item without metadata if unknown (shared with the importer). Returns true when new.
  static func insertBareItem(_ id: String, _ db: SQLiteConnection) throws -> Bool {
    try db.run("INSERT OR IGNORE INTO items (id) VALUES (?)", [id]) == 1
  }
}

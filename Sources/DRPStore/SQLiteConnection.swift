// A thin wrapper over one sqlite3 connection with a prepared-statement cache.
import CSQLite
import Foundation

/// One SQLite connection. Not thread-safe by itself: `StoreConnections` hands each connection to
/// one thread at a time. Statements run through ``query(_:_:row:)``, ``first(_:_:_:)`` and
/// ``run(_:_:)``, which bind, step and always reset, so a connection never keeps a read
/// transaction (an old WAL snapshot) open after a call: it sees what other connections and other
/// processes committed, and it can start a write.
final class SQLiteConnection {
  let handle: OpaquePointer
  private var cache: [String: SQLiteStatement] = [:]
  /// Open transactions and savepoints (maintained by `ReviewStore.transaction`).
  var transactionDepth = 0

  /// Process-wide SQLite settings, applied once before the first connection opens: memory
  /// statistics off. drp reads none of them, and with them on every allocation SQLite makes
  /// (binding a text, a sorter row, a page) takes one process-wide mutex, so the engine's blocking
  /// threads queued on it: under 64 concurrent `generate` requests `perf` showed them switched out
  /// in `sqlite3Malloc`'s lock more often than anywhere else. The result is SQLITE_MISUSE when
  /// something else in the process initialised SQLite first; the statistics then stay on.
  static let processSettings: Int32 = drp_sqlite3_config_memstatus(0)

  /// Opens (creating if needed) the database at `path`.
  /// - Throws: `SQLiteError` when the file cannot be opened.
  init(path: String, busyTimeoutMs: Int) throws {
    _ = Self.processSettings
    var db: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close(db)
      throw SQLiteError(code: rc, message: "cannot open \(path): \(message)")
    }
    handle = db
    sqlite3_busy_timeout(handle, Int32(clamping: busyTimeoutMs))
  }

  deinit {
    cache.removeAll()
    sqlite3_close_v2(handle)
  }

  /// Runs one or more SQL statements that return no rows.
  /// - Throws: `SQLiteError` with SQLite's message.
  func execute(_ sql: String) throws {
    var error: UnsafeMutablePointer<CChar>?
    let rc = sqlite3_exec(handle, sql, nil, nil, &error)
    if rc != SQLITE_OK {
      let message = error.map { String(cString: $0) } ?? lastErrorMessage
      sqlite3_free(error)
      throw SQLiteError(code: rc, message: message)
    }
  }

  /// Compiles a statement that the caller owns (finalized when released).
  /// - Throws: `SQLiteError` when the SQL does not compile.
  func prepare(_ sql: String) throws -> SQLiteStatement {
    var stmt: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
    guard rc == SQLITE_OK, let stmt else {
      throw SQLiteError(code: rc, message: "\(lastErrorMessage) in: \(sql)")
    }
    return SQLiteStatement(stmt, connection: self)
  }

  /// The cached statement for `sql` (compiled once per connection), reset and unbound.
  /// - Throws: `SQLiteError` when the SQL does not compile.
  private func cached(_ sql: String) throws -> SQLiteStatement {
    if let stmt = cache[sql] {
      stmt.reset()
      return stmt
    }
    let stmt = try prepare(sql)
    cache[sql] = stmt
    return stmt
  }

  /// Runs `sql` with `arguments` bound to parameters 1, 2, … and passes each result row to `row`.
  /// The statement is reset when this returns or throws, whatever `row` does.
  /// - Throws: `SQLiteError` (compile, bind or step failures) or what `row` throws.
  func query(_ sql: String, _ arguments: [any SQLiteBindable] = [], row: (SQLiteStatement) throws -> Void) throws {
    let stmt = try cached(sql)
    defer { stmt.reset() }
    for (offset, argument) in arguments.enumerated() { argument.bind(to: stmt, at: Int32(offset + 1)) }
    while try stmt.step() { try row(stmt) }
  }

  /// The first result row of `sql` mapped by `map`, or nil when there is none (the statement is
  /// not stepped further, and it is reset before this returns).
  /// - Throws: `SQLiteError` or what `map` throws.
  func first<T>(_ sql: String, _ arguments: [any SQLiteBindable] = [], _ map: (SQLiteStatement) throws -> T) throws
    -> T?
  {
    let stmt = try cached(sql)
    defer { stmt.reset() }
    for (offset, argument) in arguments.enumerated() { argument.bind(to: stmt, at: Int32(offset + 1)) }
    return try stmt.step() ? map(stmt) : nil
  }

  /// Runs a statement that returns no rows (INSERT, UPDATE, DELETE) and returns the rows it changed.
  /// - Throws: `SQLiteError`.
  @discardableResult
  func run(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> Int {
    try query(sql, arguments) { _ in }
    return changes
  }

  /// Runs `sql` (one statement with one integer result) and returns that integer (0 without a row).
  /// - Throws: `SQLiteError`.
  func scalar(_ sql: String, _ arguments: [any SQLiteBindable] = []) throws -> Int64 {
    try first(sql, arguments) { $0.int64(0) } ?? 0
  }

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  var changes: Int { Int(sqlite3_changes(handle)) }

  /// The rowid of the last inserted row.
  var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// The schema version (`PRAGMA user_version`).
  var userVersion: Int32 {
    get throws { Int32(try scalar("PRAGMA user_version")) }
  }

  var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

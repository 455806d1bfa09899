// A thin wrapper over one sqlite3 connection with a prepared-statement cache.
import CSQLite
import Foundation

/// One SQLite connection. Not thread-safe by itself: `ReviewStore` serialises access to it.
/// Other modules reach it through `ReviewStore.withConnection`.
public final class SQLiteConnection {
  let handle: OpaquePointer
  private var cache: [String: SQLiteStatement] = [:]

  /// Opens (creating if needed) the database at `path`.
  /// - Throws: `SQLiteError` when the file cannot be opened.
  public init(path: String) throws {
    var db: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
    let rc = sqlite3_open_v2(path, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close(db)
      throw SQLiteError(code: rc, message: "cannot open \(path): \(message)")
    }
    handle = db
  }

  deinit {
    cache.removeAll()
    sqlite3_close_v2(handle)
  }

  /// Runs one or more SQL statements that return no rows.
  /// - Throws: `SQLiteError` with SQLite's message.
  public func execute(_ sql: String) throws {
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
  public func prepare(_ sql: String) throws -> SQLiteStatement {
    var stmt: OpaquePointer?
    let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
    guard rc == SQLITE_OK, let stmt else {
      throw SQLiteError(code: rc, message: "\(lastErrorMessage) in: \(sql)")
    }
    return SQLiteStatement(stmt, connection: self)
  }

  /// A cached, reset statement for `sql` (compiled once per connection); bind and step it, never keep it.
  /// - Throws: `SQLiteError` when the SQL does not compile.
  public func cached(_ sql: String) throws -> SQLiteStatement {
    if let stmt = cache[sql] {
      stmt.reset()
      return stmt
    }
    let stmt = try prepare(sql)
    cache[sql] = stmt
    return stmt
  }

  /// Rows changed by the last INSERT, UPDATE or DELETE.
  public var changes: Int { Int(sqlite3_changes(handle)) }

  /// The rowid of the last inserted row.
  public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

  /// The schema version (`PRAGMA user_version`).
  public var userVersion: Int32 {
    get throws {
      let stmt = try prepare("PRAGMA user_version")
      _ = try stmt.step()
      return Int32(stmt.int64(0))
    }
  }

  /// Runs `sql` (one statement with one integer result) and returns that integer.
  /// - Throws: `SQLiteError`.
  public func scalar(_ sql: String) throws -> Int64 {
    let stmt = try cached(sql)
    defer { stmt.reset() }  // an unfinished statement would block schema changes (DROP INDEX)
    guard try stmt.step() else { return 0 }
    return stmt.int64(0)
  }

  var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

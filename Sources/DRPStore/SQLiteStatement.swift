// A prepared SQLite statement: bind parameters, step rows, read columns.
import CSQLite
import Foundation

/// A compiled statement. Parameter and column indexes follow SQLite: binds start at 1, columns at 0.
/// Run it through `SQLiteConnection.query`/`first`/`run`, which reset it when they return, so no
/// statement keeps a read transaction open between calls.
final class SQLiteStatement {
  private let stmt: OpaquePointer
  private unowned let connection: SQLiteConnection
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  init(_ stmt: OpaquePointer, connection: SQLiteConnection) {
    self.stmt = stmt
    self.connection = connection
  }

  deinit { sqlite3_finalize(stmt) }

  /// Resets the statement and clears its bindings so it can run again.
  func reset() {
    sqlite3_reset(stmt)
    sqlite3_clear_bindings(stmt)
  }

  /// Binds an integer (1-based index).
  func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(stmt, index, value) }
  /// Binds an integer (1-based index).
  func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(stmt, index, Int64(value)) }
  /// Binds a boolean as 0 or 1.
  func bind(_ index: Int32, _ value: Bool) { sqlite3_bind_int(stmt, index, value ? 1 : 0) }
  /// Binds a double.
  func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(stmt, index, value) }
  /// Binds NULL.
  func bindNull(_ index: Int32) { sqlite3_bind_null(stmt, index) }

  /// Binds text (copied), or NULL for nil.
  func bind(_ index: Int32, _ value: String?) {
    guard var value else { return bindNull(index) }
    value.withUTF8 { buf in
      buf.withMemoryRebound(to: CChar.self) { chars in
        if let base = chars.baseAddress {
          _ = sqlite3_bind_text(stmt, index, base, Int32(chars.count), Self.transient)
        } else {
          _ = sqlite3_bind_text(stmt, index, "", 0, Self.transient)
        }
      }
    }
  }

  /// Binds raw bytes as a BLOB.
  func bind(_ index: Int32, _ value: Data) {
    value.withUnsafeBytes { buf in
      _ = sqlite3_bind_blob(
        stmt, index, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buf.count), Self.transient)
    }
  }

  /// Binds a float vector as a BLOB of little-endian Float32 values.
  func bind(_ index: Int32, _ value: [Float]) {
    value.withUnsafeBytes { buf in
      _ = sqlite3_bind_blob(
        stmt, index, buf.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buf.count), Self.transient)
    }
  }

  /// Advances to the next row.
  /// - Returns: true when a row is available, false when the statement is done.
  /// - Throws: `SQLiteError` (constraint violations included).
  @discardableResult
  func step() throws -> Bool {
    let rc = sqlite3_step(stmt)
    if rc == SQLITE_ROW { return true }
    if rc == SQLITE_DONE { return false }
    let error = SQLiteError(code: rc, message: connection.lastErrorMessage)
    sqlite3_reset(stmt)
    throw error
  }

  /// Steps the statement to completion, ignoring rows.
  /// - Throws: `SQLiteError`.
  func run() throws {
    while try step() {}
  }

  /// Whether column `index` of the current row is NULL.
  func isNull(_ index: Int32) -> Bool { sqlite3_column_type(stmt, index) == SQLITE_NULL }
  /// Column as an integer.
  func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(stmt, index) }
  /// Column as an Int.
  func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(stmt, index)) }
  /// Column as a double.
  func double(_ index: Int32) -> Double { sqlite3_column_double(stmt, index) }
  /// Column as a boolean (non-zero is true).
  func bool(_ index: Int32) -> Bool { sqlite3_column_int64(stmt, index) != 0 }

  /// Column as text ("" for NULL).
  func string(_ index: Int32) -> String {
    guard let ptr = sqlite3_column_text(stmt, index) else { return "" }
    let count = Int(sqlite3_column_bytes(stmt, index))
    return String(decoding: UnsafeBufferPointer(start: ptr, count: count), as: UTF8.self)
  }

  /// Column as bytes (empty for NULL).
  func data(_ index: Int32) -> Data {
    guard let ptr = sqlite3_column_blob(stmt, index) else { return Data() }
    return Data(bytes: ptr, count: Int(sqlite3_column_bytes(stmt, index)))
  }

  /// Column as a Float32 vector stored by `bind(_:_: [Float])` (empty for NULL).
  func floats(_ index: Int32) -> [Float] {
    guard let ptr = sqlite3_column_blob(stmt, index) else { return [] }
    let count = Int(sqlite3_column_bytes(stmt, index)) / MemoryLayout<Float>.size
    guard count > 0 else { return [] }
    return [Float](unsafeUninitializedCapacity: count) { buf, initialized in
      memcpy(buf.baseAddress!, ptr, count * MemoryLayout<Float>.size)
      initialized = count
    }
  }
}

// Values that can be bound to a statement parameter.
import Foundation

/// A Swift value a `SQLiteStatement` parameter can take (integers, doubles, booleans, text, blobs,
/// float vectors, or nil as NULL). Lets `SQLiteConnection.query` take its arguments in one list.
protocol SQLiteBindable {
  /// Binds the value to the 1-based parameter `index` of `statement`.
  func bind(to statement: SQLiteStatement, at index: Int32)
}

extension Int: SQLiteBindable {
  func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}

extension Int64: SQLiteBindable {
  func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}

extension Double: SQLiteBindable {
  func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}

extension Bool: SQLiteBindable {
  func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}

extension String: SQLiteBindable {
  func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}

extension Data: SQLiteBindable {
  func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}

extension Array: SQLiteBindable where Element == Float {
  func bind(to statement: SQLiteStatement, at index: Int32) { statement.bind(index, self) }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
  func bind(to statement: SQLiteStatement, at index: Int32) {
    switch self {
    case .some(let value): value.bind(to: statement, at: index)
    case .none: statement.bindNull(index)
    }
  }
}

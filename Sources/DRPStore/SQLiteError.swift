// Errors raised by the SQLite wrapper.

/// A failed SQLite call, with SQLite's own message.
public struct SQLiteError: Error, CustomStringConvertible {
  /// The SQLite result code.
  public let code: Int32
  /// SQLite's message and what was being done.
  public let message: String
  /// A readable message.
  public var description: String { "sqlite error \(code): \(message)" }
}

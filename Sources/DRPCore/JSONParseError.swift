// Errors from the hand-written JSON parser.

/// Why a byte sequence is not an acceptable JSON document, and where.
public struct JSONParseError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What is wrong.
  public var reason: String
  /// Byte offset in the input where the problem was found.
  public var offset: Int

  /// Creates an error.
  public init(_ reason: String, at offset: Int) {
    self.reason = reason
    self.offset = offset
  }

  /// "reason at byte N".
  public var description: String { "\(reason) at byte \(offset)" }
}

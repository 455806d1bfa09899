// Errors from starting servers and from socket operations.

/// A failure to listen, connect or exchange messages, with a message a user understands.
public struct ServerError: Error, CustomStringConvertible, Sendable {
  /// What went wrong.
  public var description: String

  /// Creates an error.
  public init(_ description: String) { self.description = description }
}

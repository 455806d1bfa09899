// Errors of the application facade, classified for callers that map them to RPC error codes.

/// How a failure should be reported: a missing thing, a bad argument, or a state the caller must fix.
public enum ErrorKind: String, Sendable, Equatable {
  /// A user, item, review or file that does not exist.
  case notFound = "not_found"
  /// An argument that cannot be used (unknown strategy, bad vector file, k < 1...).
  case invalidArgument = "invalid_argument"
  /// The data is not ready (nothing embedded yet, corrupt index file, unreachable embedder).
  case unavailable
  /// The user index file is damaged (checksum mismatch, impossible scores or vectors): rebuild it.
  case damagedIndex = "damaged_index"
}

/// A failure of an ``Engine`` operation, with a message meant for the user and an ``ErrorKind``
/// (the server's `DRPService` answers each kind with its own JSON-RPC error code).
public struct EngineError: Error, CustomStringConvertible, Equatable {
  /// The class of the failure.
  public var kind: ErrorKind
  /// What went wrong and, where possible, what to do about it.
  public var message: String

  /// Creates an error.
  public init(_ kind: ErrorKind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }

  static func unknownUser(_ id: String) -> EngineError { EngineError(.notFound, "unknown user '\(id)'") }
  static func unknownItem(_ id: String) -> EngineError { EngineError(.notFound, "unknown item '\(id)'") }
  static func notEmbedded(_ what: String) -> EngineError {
    EngineError(.unavailable, "\(what) has no vector yet: run `drp embed` first")
  }
}

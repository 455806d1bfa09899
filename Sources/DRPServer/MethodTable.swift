// The registry of application methods.
import DRPCore
import DRPProtocol
import Synchronization

/// Registered methods by name, readable from the event loop while others register.
final class MethodTable: Sendable {
  /// A method's lane and handler.
  enum Handler: Sendable {
    /// Runs on the event loop.
    case inline(@Sendable (RPCParams, RequestContext) throws -> JSONValue)
    /// Runs on a worker thread of the index pool.
    case index(@Sendable (RPCParams, RequestContext) throws -> JSONValue)
    /// Runs on a worker thread of the index pool, together with the other queued requests of the
    /// method whose `key` is equal (at most `limit`): one call of `body` answers them all.
    case coalescing(
      key: @Sendable (RPCParams) -> String, limit: Int,
      body: @Sendable ([RPCParams]) -> [Result<JSONValue, RPCError>])
    /// Runs as a Task.
    case background(@Sendable (RPCParams, RequestContext) async throws -> JSONValue)
  }

  /// Names the server answers itself.
  static let builtIn: Set<String> = ["ping", "cancel", "auth"]

  private let handlers = Mutex<[String: Handler]>([:])

  func register(_ name: String, _ handler: Handler) {
    precondition(!Self.builtIn.contains(name), "\(name) is a built-in method and cannot be registered")
    handlers.withLock { $0[name] = handler }
  }

  func lookup(_ name: String) -> Handler? { handlers.withLock { $0[name] } }

  /// All registered names, sorted.
  var names: [String] { handlers.withLock { $0.keys.sorted() } }
}

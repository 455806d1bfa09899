// The one mapping of engine errors to JSON-RPC error replies.
import DRPEngine
import DRPProtocol

/// The transport answers any handler error through `RPCErrorConvertible` (`RPCError(thrown:)` in
/// DRPServer); this is how the engine's errors get their documented codes.
extension EngineError: RPCErrorConvertible {
  /// The code of the error's kind (`AppErrorCode`), its message, and `data: {"kind": …}`.
  public var rpcError: RPCError {
    RPCError(code: AppErrorCode.code(for: kind), message: description, data: ["kind": .string(kind.rawValue)])
  }
}

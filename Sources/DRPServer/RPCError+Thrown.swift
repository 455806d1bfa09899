// The error reply for whatever a handler throws.
import DRPProtocol

extension RPCError {
  /// The error reply for `error` thrown by a handler: an `RPCError` as it is, an
  /// `RPCErrorConvertible` its own `rpcError`, cancellation -32800, anything else -32000 with
  /// the error's description. The only mapping the transport applies.
  public init(thrown error: any Error) {
    switch error {
    case let error as RPCError: self = error
    case let error as any RPCErrorConvertible: self = error.rpcError
    case is CancellationError: self = .cancelled
    default: self = .applicationError(String(describing: error))
    }
  }
}

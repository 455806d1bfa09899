// Error codes of the application methods and the mapping from engine errors.
import DRPEngine
import DRPProtocol

/// The JSON-RPC error codes of the app methods (see PROTOCOL.md, "App methods"), and the
/// translation of engine errors into them.
public enum AppErrorCode {
  /// A user, item or review that does not exist (`ErrorKind.notFound`).
  public static let notFound = -32010
  /// An argument the engine cannot use although it is well-formed (`ErrorKind.invalidArgument`).
  public static let invalidArgument = -32011
  /// The data or a model is not ready: nothing embedded yet, index unusable, LLM unreachable
  /// (`ErrorKind.unavailable`).
  public static let unavailable = -32012
  /// The user index is damaged (`ErrorKind.damagedIndex`): `drp index build` repairs it.
  public static let damagedIndex = -32013

  /// The error reply for anything an app handler throws: `RPCError`s pass through, classified
  /// engine errors get their code with `data: {"kind": …}`, cancellation becomes -32800 and
  /// anything else -32000 with the error's own message.
  static func rpcError(for error: any Error) -> RPCError {
    switch error {
    case let error as RPCError: return error
    case let error as any ClassifiedError:
      let code: Int
      switch error.kind {
      case .notFound: code = notFound
      case .invalidArgument: code = invalidArgument
      case .unavailable: code = unavailable
      case .damagedIndex: code = damagedIndex
      }
      return RPCError(code: code, message: error.description, data: ["kind": .string(error.kind.rawValue)])
    case is CancellationError: return .cancelled
    default: return .applicationError(String(describing: error))
    }
  }
}

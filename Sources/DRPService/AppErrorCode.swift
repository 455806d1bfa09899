// Error codes of the application methods.
import DRPEngine

/// The JSON-RPC error codes of the app methods (see PROTOCOL.md, "App methods"), one per
/// engine `ErrorKind`.
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

  /// The code of an engine error of `kind`.
  public static func code(for kind: ErrorKind) -> Int {
    switch kind {
    case .notFound: return notFound
    case .invalidArgument: return invalidArgument
    case .unavailable: return unavailable
    case .damagedIndex: return damagedIndex
    }
  }
}

// Request identifiers.
import DRPCore

/// A JSON-RPC request id: an integer or a string (fractional numbers, null, arrays and objects are rejected).
public enum RPCID: Sendable, Hashable, CustomStringConvertible {
  /// An integer id.
  case int(Int64)
  /// A string id.
  case string(String)

  /// Reads an id; nil when `json` is not an integer or a string.
  public init?(json: JSONValue) {
    switch json {
    case .int(let value): self = .int(value)
    case .string(let value): self = .string(value)
    default: return nil
    }
  }

  /// The id as JSON.
  public var json: JSONValue {
    switch self {
    case .int(let value): return .int(value)
    case .string(let value): return .string(value)
    }
  }

  /// The id as JSON text.
  public var description: String { JSONWriter.string(json) }
}

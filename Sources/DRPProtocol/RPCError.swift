// JSON-RPC error objects and the codes drp uses (see PROTOCOL.md).
import DRPCore

/// A JSON-RPC error: a code, a message a user understands, optional data. Handlers throw it to
/// choose the error reply; any other error becomes `applicationError` (-32000).
public struct RPCError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The numeric code (see the table in PROTOCOL.md).
  public var code: Int
  /// A human-readable message.
  public var message: String
  /// Optional structured detail.
  public var data: JSONValue?

  /// Creates an error.
  public init(code: Int, message: String, data: JSONValue? = nil) {
    self.code = code
    self.message = message
    self.data = data
  }

  /// "message (code N)".
  public var description: String { "\(message) (code \(code))" }

  /// The JSON `error` object.
  public var json: JSONValue {
    var members: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message)]
    if let data { members["data"] = data }
    return .object(members)
  }

  /// Reads an `error` object from a reply; nil when it is not shaped like one.
  public init?(json: JSONValue) {
    guard let code = json["code"]?.int, let message = json["message"]?.string else { return nil }
    self.init(code: code, message: message, data: json["data"])
  }

  /// -32700: the line is not valid JSON or not valid UTF-8.
  public static func parseError(_ detail: String) -> RPCError {
    RPCError(code: -32700, message: "parse error: \(detail)")
  }
  /// -32600: the JSON is not a valid request object.
  public static func invalidRequest(_ detail: String) -> RPCError {
    RPCError(code: -32600, message: "invalid request: \(detail)")
  }
  /// -32601: no such method.
  public static func methodNotFound(_ method: String) -> RPCError {
    RPCError(code: -32601, message: "method not found: \(method)")
  }
  /// -32602: the params are wrong; `field` names the offending member.
  public static func invalidParams(field: String, _ detail: String) -> RPCError {
    RPCError(code: -32602, message: "invalid params: \"\(field)\" \(detail)", data: ["field": .string(field)])
  }
  /// -32603: a server fault.
  public static func internalError(_ detail: String) -> RPCError {
    RPCError(code: -32603, message: "internal error: \(detail)")
  }
  /// -32000: a handler failed; the message is the handler's.
  public static func applicationError(_ detail: String) -> RPCError { RPCError(code: -32000, message: detail) }
  /// -32001: the line exceeded the maximum line length; the rest of the line was discarded.
  public static func lineTooLong(limit: Int) -> RPCError {
    RPCError(
      code: -32001, message: "request line longer than \(limit) bytes; discarded", data: ["limit": .int(Int64(limit))])
  }
  /// -32002: too many requests in flight on this connection.
  public static func tooManyInFlight(limit: Int) -> RPCError {
    RPCError(
      code: -32002, message: "too many requests in flight on this connection (limit \(limit))",
      data: ["limit": .int(Int64(limit))])
  }
  /// -32003: the server is at its connection limit.
  public static func tooManyConnections(limit: Int) -> RPCError {
    RPCError(
      code: -32003, message: "server has too many connections (limit \(limit))", data: ["limit": .int(Int64(limit))])
  }
  /// -32004: authentication missing or wrong.
  public static func unauthorized(_ detail: String) -> RPCError {
    RPCError(code: -32004, message: "unauthorized: \(detail)")
  }
  /// -32005: the server is shutting down.
  public static let shuttingDown = RPCError(code: -32005, message: "server shutting down")
  /// -32006: the connection was idle too long and is being closed.
  public static let idleTimeout = RPCError(code: -32006, message: "idle timeout; closing connection")
  /// -32800: the request was cancelled (by `cancel` or because its client went away).
  public static let cancelled = RPCError(code: -32800, message: "request cancelled")
}

/// An error that knows its JSON-RPC form; handlers' domain errors may adopt it to pick a code.
public protocol RPCErrorConvertible: Error {
  /// The error reply to send.
  var rpcError: RPCError { get }
}

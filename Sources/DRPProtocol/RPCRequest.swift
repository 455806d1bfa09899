// A JSON-RPC 2.0 request or client notification.
import DRPCore

/// A request (with an id, answered by one reply) or a notification (no id, never answered).
public struct RPCRequest: Sendable, Equatable {
  /// The id, or nil for a notification.
  public var id: RPCID?
  /// The method name.
  public var method: String
  /// The params object (an empty object when absent).
  public var params: [String: JSONValue]

  /// Creates a request.
  public init(id: RPCID?, method: String, params: [String: JSONValue] = [:]) {
    self.id = id
    self.method = method
    self.params = params
  }

  /// Validates the shape of a parsed line.
  /// - Throws: `RPCError` -32600 (not a request object) or -32602 (params not an object).
  public init(json: JSONValue) throws(RPCError) {
    guard case .object(let members) = json else {
      if case .array = json { throw .invalidRequest("batch requests are not supported") }
      throw .invalidRequest("a request must be a JSON object")
    }
    guard members["jsonrpc"] == "2.0" else { throw .invalidRequest("\"jsonrpc\" must be \"2.0\"") }
    if let rawID = members["id"] {
      guard let id = RPCID(json: rawID) else { throw .invalidRequest("\"id\" must be an integer or a string") }
      self.id = id
    } else {
      self.id = nil
    }
    guard let method = members["method"]?.string else { throw .invalidRequest("\"method\" must be a string") }
    self.method = method
    switch members["params"] {
    case nil, .null?: self.params = [:]
    case .object(let params)?: self.params = params
    default: throw .invalidParams(field: "params", "must be an object")
    }
  }

  /// The id of a request-shaped value even when the rest is invalid, so an error reply can carry it.
  public static func salvageID(from json: JSONValue) -> RPCID? { json["id"].flatMap(RPCID.init(json:)) }

  /// The request as JSON.
  public var json: JSONValue {
    var members: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method), "params": .object(params)]
    if let id { members["id"] = id.json }
    return .object(members)
  }

  /// The request as one `\n`-terminated line.
  public var line: [UInt8] { JSONWriter.bytes(json) + [0x0A] }
}

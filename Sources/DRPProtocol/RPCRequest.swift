// A JSON-RPC 2.0 request or client notification.
import DRPCore

/// A request (with an id, answered by one reply) or a notification (no id, never answered).
public struct RPCRequest: Sendable, Equatable {
  /// The id, or nil for a notification.
  public var id: RPCID?
  /// The method name.
  public var method: String
  /// The params object (an empty object when absent or given by position).
  public var params: [String: JSONValue]
  /// The params array when they were given by position (JSON-RPC 2.0 §4.2), else nil. drp's own
  /// methods take named params only and refuse these with -32602 (see `RPCParams`).
  public var positional: [JSONValue]?

  /// Creates a request.
  public init(id: RPCID?, method: String, params: [String: JSONValue] = [:], positional: [JSONValue]? = nil) {
    self.id = id
    self.method = method
    self.params = params
    self.positional = positional
  }

  /// Validates the shape of one request (a line, or a member of a batch line: arrays are batches,
  /// see `ServerCore`, and never a request themselves).
  /// - Throws: `RPCError` -32600 (not a request object) or -32602 (params neither an object nor an
  ///   array).
  public init(json: JSONValue) throws(RPCError) {
    guard case .object(let members) = json else { throw .invalidRequest("a request must be a JSON object") }
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
    case .array(let values)?:
      self.params = [:]
      self.positional = values
    default: throw .invalidParams(field: "params", "must be an object (or an array of by-position params)")
    }
  }

  /// The id of a request-shaped value even when the rest is invalid, so an error reply can carry it.
  public static func salvageID(from json: JSONValue) -> RPCID? { json["id"].flatMap(RPCID.init(json:)) }

  /// The request as JSON.
  public var json: JSONValue {
    var members: [String: JSONValue] = [
      "jsonrpc": "2.0", "method": .string(method), "params": positional.map { .array($0) } ?? .object(params),
    ]
    if let id { members["id"] = id.json }
    return .object(members)
  }

  /// The request as one `\n`-terminated line.
  public var line: [UInt8] { JSONWriter.bytes(json) + [0x0A] }
}

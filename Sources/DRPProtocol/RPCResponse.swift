// A JSON-RPC 2.0 reply.
import DRPCore

/// The reply to one request: a result or an error, carrying the request's id (null when unknown).
public struct RPCResponse: Sendable, Equatable {
  /// The id of the request answered, or nil when it could not be determined.
  public var id: RPCID?
  /// The result or the error.
  public var outcome: Result<JSONValue, RPCError>

  /// Creates a reply.
  public init(id: RPCID?, outcome: Result<JSONValue, RPCError>) {
    self.id = id
    self.outcome = outcome
  }

  /// Reads a reply; nil when `json` is not a reply object.
  public init?(json: JSONValue) {
    guard json["jsonrpc"] == "2.0", json["method"] == nil, let rawID = json["id"] else { return nil }
    id = RPCID(json: rawID)
    if id == nil && !rawID.isNull { return nil }
    if let error = json["error"] {
      guard let parsed = RPCError(json: error) else { return nil }
      outcome = .failure(parsed)
    } else if let result = json["result"] {
      outcome = .success(result)
    } else {
      return nil
    }
  }

  /// The reply as JSON.
  public var json: JSONValue {
    var members: [String: JSONValue] = ["jsonrpc": "2.0", "id": id?.json ?? .null]
    switch outcome {
    case .success(let result): members["result"] = result
    case .failure(let error): members["error"] = error.json
    }
    return .object(members)
  }

  /// The reply as one `\n`-terminated line.
  public var line: [UInt8] {
    var bytes = JSONWriter.bytes(json)
    bytes.append(0x0A)
    return bytes
  }
}

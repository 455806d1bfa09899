// A server-to-client notification (for example `progress`).
import DRPCore

/// A message without an id: the server streams `progress` notifications before a final reply.
public struct RPCNotification: Sendable, Equatable {
  /// The method name, e.g. `progress`.
  public var method: String
  /// The params; for `progress` they include the `id` of the request the progress belongs to.
  public var params: JSONValue

  /// Creates a notification.
  public init(method: String, params: JSONValue) {
    self.method = method
    self.params = params
  }

  /// A `progress` notification for request `id`: the members of `progress` (when it is an object,
  /// otherwise it goes under `value`) plus `id`.
  public static func progress(for id: RPCID, _ progress: JSONValue) -> RPCNotification {
    var members = progress.object ?? ["value": progress]
    members["id"] = id.json
    return RPCNotification(method: "progress", params: .object(members))
  }

  /// Reads a notification; nil when `json` is not one (has an id or no method).
  public init?(json: JSONValue) {
    guard json["jsonrpc"] == "2.0", json["id"] == nil, let method = json["method"]?.string else { return nil }
    self.init(method: method, params: json["params"] ?? .null)
  }

  /// The notification as one `\n`-terminated line.
  public var line: [UInt8] {
    var bytes = JSONWriter.bytes(["jsonrpc": "2.0", "method": .string(method), "params": params])
    bytes.append(0x0A)
    return bytes
  }
}

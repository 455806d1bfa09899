// Listener and client addresses.

/// A TCP host and port or a Unix socket path. Parsed from `tcp://host:port`, `tcp:host:port`,
/// `host:port`, `[v6]:port`, `unix:/path` or a plain path (anything containing `/`).
public enum Endpoint: Sendable, Hashable, CustomStringConvertible {
  /// A TCP address; `host` is a numeric IPv4/IPv6 address or `localhost`; port 0 asks for an ephemeral port.
  case tcp(host: String, port: UInt16)
  /// A Unix domain socket path.
  case unix(path: String)

  /// Parses an address.
  public init(parsing text: String) throws(ServerError) {
    if text.hasPrefix("unix:") {
      let path = String(text.dropFirst(5))
      guard !path.isEmpty else { throw ServerError("empty Unix socket path in \"\(text)\"") }
      self = .unix(path: path)
      return
    }
    var rest = Substring(text)
    if rest.hasPrefix("tcp://") {
      rest = rest.dropFirst(6)
    } else if rest.hasPrefix("tcp:") {
      rest = rest.dropFirst(4)
    } else if text.contains("/") {
      self = .unix(path: text)
      return
    }
    guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]) else {
      throw ServerError(
        "\"\(text)\" is not an address: use host:port, tcp:host:port, tcp://host:port, unix:/path or a socket path")
    }
    var host = rest[..<colon]
    if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
    guard !host.isEmpty else { throw ServerError("missing host in \"\(text)\"") }
    self = .tcp(host: String(host), port: port)
  }

  /// `tcp://host:port` or `unix:/path`.
  public var description: String {
    switch self {
    case .tcp(let host, let port): return host.contains(":") ? "tcp://[\(host)]:\(port)" : "tcp://\(host):\(port)"
    case .unix(let path): return "unix:\(path)"
    }
  }

  /// The TCP port (nil for Unix sockets).
  public var port: UInt16? {
    if case .tcp(_, let port) = self { return port }
    return nil
  }
}

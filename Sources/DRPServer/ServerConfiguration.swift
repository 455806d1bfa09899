// What a server listens on and how it is protected.

/// Listeners, remote-access policy and limits for a `Server`.
public struct ServerConfiguration: Sendable {
  /// Addresses to listen on (default: TCP 127.0.0.1, port 7411).
  public var listeners: [Endpoint]
  /// Must be true (together with `token`) to listen on a non-loopback TCP address.
  public var allowRemote: Bool
  /// When set, every TCP connection must authenticate first (see PROTOCOL.md, "Authentication").
  public var token: String?
  /// Resource limits.
  public var limits: ServerLimits

  /// Creates a configuration.
  public init(
    listeners: [Endpoint] = [.tcp(host: "127.0.0.1", port: 7411)], allowRemote: Bool = false, token: String? = nil,
    limits: ServerLimits = ServerLimits()
  ) {
    self.listeners = listeners
    self.allowRemote = allowRemote
    self.token = token
    self.limits = limits
  }
}

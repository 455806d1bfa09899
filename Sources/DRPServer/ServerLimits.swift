// Limits protecting the server from bad or greedy clients.

/// Resource limits; the defaults are documented in PROTOCOL.md.
public struct ServerLimits: Sendable {
  /// Longest accepted request line in bytes (without the `\n`).
  public var maxLineBytes = 1 << 20
  /// Maximum nesting depth of request JSON.
  public var maxJSONDepth = 64
  /// Background requests one connection may have in flight.
  public var maxInFlightPerConnection = 64
  /// Background handlers running at once across the server; more wait in a queue.
  public var maxConcurrentBackground = 8
  /// Worker threads of the `.index` lane (quick CPU-bound methods such as index queries).
  public var indexThreads = 2
  /// Simultaneous connections; further ones get an error line and are closed.
  public var maxConnections = 1024
  /// Reply bytes buffered for a connection above which the server stops reading its requests.
  public var maxOutputBufferBytes = 1 << 20
  /// A connection with nothing in flight and no input for this long is closed (nil: never).
  public var idleTimeout: Duration? = .seconds(300)

  /// The defaults.
  public init() {}
}

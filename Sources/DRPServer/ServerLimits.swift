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
  /// How long the event loop and an index worker keep polling for more work after their last
  /// before they sleep (`.zero`: sleep at once). Waking a sleeping thread costs tens of
  /// microseconds on virtual machines, more than the rest of a request's protocol cost; polling
  /// spends up to this much CPU per quiet spell instead. The loop does not poll while index jobs run.
  public var busyPoll: Duration = .microseconds(50)
  /// A connection with nothing in flight and no input for this long is closed (nil: never).
  public var idleTimeout: Duration? = .seconds(300)
  /// How long a failed `auth` waits for its -32004 reply (the connection is not read meanwhile).
  public var authFailureDelay: Duration = .milliseconds(500)
  /// The least time between two failed-`auth` replies of the whole server, so more connections
  /// do not buy more guesses per second (20 a second by default).
  public var authFailureSpacing: Duration = .milliseconds(50)
  /// Failed `auth` attempts after which a connection is closed.
  public var maxAuthFailures = 3

  /// The defaults.
  public init() {}
}

// Slowing down token guessing: failed `auth` replies are delayed and paced server-wide.

/// The replies to failed `auth` attempts waiting for their time. Each is sent `delay` after the
/// attempt, and failures across the whole server at most one per `spacing` (so opening more
/// connections does not buy more guesses per second); the connection reads nothing more until
/// its reply has gone, and is closed after its `maxFailures`-th failure. Owned by the event loop.
struct AuthThrottle {
  /// A failure reply to send at `due`.
  struct Pending {
    /// The connection that failed.
    var connection: UInt64
    /// When to send the reply.
    var due: ContinuousClock.Instant
    /// The error line.
    var line: [UInt8]
    /// Whether the connection is closed after the reply (it used up its attempts).
    var closes: Bool
  }

  /// How long a failed attempt waits for its answer.
  let delay: Duration
  /// The least time between two failure replies of the whole server.
  let spacing: Duration
  /// Failed attempts after which a connection is closed.
  let maxFailures: Int
  /// Replies not yet due, in `due` order.
  private var pending: [Pending] = []
  private var head = 0
  private var lastDue: ContinuousClock.Instant?

  init(limits: ServerLimits) {
    delay = limits.authFailureDelay
    spacing = limits.authFailureSpacing
    maxFailures = max(1, limits.maxAuthFailures)
  }

  /// Queues the reply to a connection's `failures`-th failed attempt; returns whether the
  /// connection will be closed after it.
  mutating func schedule(connection: UInt64, line: [UInt8], failures: Int) -> Bool {
    var due = ContinuousClock.now + delay
    if let lastDue, lastDue + spacing > due { due = lastDue + spacing }
    lastDue = due
    let closes = failures >= maxFailures
    pending.append(Pending(connection: connection, due: due, line: line, closes: closes))
    return closes
  }

  /// When the next reply is due (nil: none waiting).
  var nextDue: ContinuousClock.Instant? { head < pending.count ? pending[head].due : nil }

  /// Removes and returns the replies due at `now`.
  mutating func takeDue(now: ContinuousClock.Instant) -> [Pending] {
    var due: [Pending] = []
    while head < pending.count && pending[head].due <= now {
      due.append(pending[head])
      head += 1
    }
    if head == pending.count {
      pending.removeAll(keepingCapacity: true)
      head = 0
    }
    return due
  }
}

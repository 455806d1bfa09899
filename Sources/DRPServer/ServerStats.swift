// A snapshot of server state for monitoring and tests.

/// Counters read from the event loop.
public struct ServerStats: Sendable {
  /// Open client connections.
  public var connections = 0
  /// Requests accepted and not yet answered, over all connections.
  public var requestsInFlight = 0
  /// Background handlers currently running.
  public var backgroundRunning = 0
  /// Reply bytes currently buffered, summed over connections.
  public var bufferedOutputBytes = 0
  /// The largest reply backlog any single connection has had since the server started.
  public var peakConnectionOutputBytes = 0
  /// Connections accepted since start (including those refused for the connection limit).
  public var connectionsAccepted = 0
  /// Groups of two or more coalesced requests (`Server.registerCoalescing`) answered together.
  public var coalescedGroups = 0
  /// Requests answered in those groups.
  public var coalescedRequests = 0
  /// The largest such group.
  public var largestCoalescedGroup = 0
}

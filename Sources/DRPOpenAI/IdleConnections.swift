import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Open HTTP/1.1 connections waiting for their next request (keep-alive), per `host:port`.
///
/// A connection is put back after a complete response the server did not end with
/// `Connection: close`, and taken (newest first) by the next request to the same server, which
/// saves a TCP handshake, its teardown and the descriptor churn of a connection per request.
/// One kept longer than `maxIdle` seconds is closed instead of reused (servers drop idle
/// connections after ~5 s: llama.cpp, uvicorn); one the server has already closed, or that has
/// unread bytes, is noticed with a zero-time `poll()` when taken and closed. A request that
/// still fails on a taken connection before any byte of its response arrived is sent again on a
/// new one (`SocketHTTPExchange`). At most `maxPerServer` connections wait per server; the oldest
/// beyond that are closed. While connections wait, a timer closes the expired ones every `maxIdle`
/// seconds, so a process that stops calling a server does not keep its connections open.
/// Descriptors are closed outside the lock.
final class IdleConnections: Sendable {
  /// The process-wide set every `SocketHTTPTransport` shares.
  static let shared = IdleConnections()

  /// Seconds a connection may wait before it is closed instead of reused.
  let maxIdle: Double
  /// The most connections kept per server.
  let maxPerServer: Int
  private let waiting = Mutex<[String: [(fd: Int32, since: Double)]]>([:])
  private let sweepScheduled = Atomic<Bool>(false)

  init(maxIdle: Double = 2, maxPerServer: Int = 256) {
    self.maxIdle = maxIdle
    self.maxPerServer = maxPerServer
  }

  /// A usable open connection to `server` (`host:port`), or nil.
  func take(_ server: String) -> Int32? {
    let now = BlockingSocket.now()
    while true {
      let (candidate, expired): (Int32?, [Int32]) = waiting.withLock { all in
        var (list, expired) = split(all[server] ?? [], at: now)
        let candidate = list.popLast()?.fd
        all[server] = list.isEmpty ? nil : list
        return (candidate, expired)
      }
      for fd in expired { close(fd) }
      guard let candidate else { return nil }
      if Self.isQuiet(candidate) { return candidate }
      close(candidate)
    }
  }

  /// Keeps `fd`, an open connection to `server` whose last response was complete, for reuse.
  func put(_ fd: Int32, _ server: String) {
    let now = BlockingSocket.now()
    let dropped: [Int32] = waiting.withLock { all in
      var list = all[server] ?? []
      list.append((fd, now))
      let excess = max(0, list.count - maxPerServer)
      let dropped = list.prefix(excess).map(\.fd)
      list.removeFirst(excess)
      all[server] = list
      return dropped
    }
    for fd in dropped { close(fd) }
    scheduleSweep()
  }

  /// Closes the expired connections of every server `maxIdle` seconds from now, and again after
  /// that while any connection waits.
  private func scheduleSweep() {
    guard sweepScheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    else { return }
    DispatchQueue.global().asyncAfter(deadline: .now() + maxIdle + 0.05) { [self] in
      let now = BlockingSocket.now()
      let (expired, remaining): ([Int32], Int) = waiting.withLock { all in
        var expired: [Int32] = []
        for (server, list) in all {
          let (kept, old) = split(list, at: now)
          expired += old
          all[server] = kept.isEmpty ? nil : kept
        }
        return (expired, all.values.reduce(0) { $0 + $1.count })
      }
      for fd in expired { close(fd) }
      sweepScheduled.store(false, ordering: .releasing)
      if remaining > 0 { scheduleSweep() }
    }
  }

  /// The connections of `list` still young enough at `now`, and the descriptors of the others.
  private func split(_ list: [(fd: Int32, since: Double)], at now: Double)
    -> (kept: [(fd: Int32, since: Double)], expired: [Int32])
  {
    (list.filter { now - $0.since <= maxIdle }, list.filter { now - $0.since > maxIdle }.map(\.fd))
  }

  /// Closes every waiting connection.
  func closeAll() {
    let all = waiting.withLock { all in
      defer { all = [:] }
      return all.values.flatMap { $0.map(\.fd) }
    }
    for fd in all { close(fd) }
  }

  /// The number of connections waiting for `server`.
  func count(_ server: String) -> Int { waiting.withLock { $0[server]?.count ?? 0 } }

  /// Whether `fd` has nothing to read and no error: a kept connection the server closed reads as
  /// end of file (readable), one it reset reports an error.
  private static func isQuiet(_ fd: Int32) -> Bool {
    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    return poll(&poller, 1, 0) == 0
  }
}

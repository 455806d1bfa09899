// Connections turned away at the connection limit, closed without a reset.
import DRPProtocol
import Glibc

/// Connections refused because the server is at `maxConnections`. Each gets its error line and
/// a shut-down write side (the client reads the line, then end of stream); the loop then reads
/// and discards whatever the client still sends until it closes or `linger` passes. Closing at
/// once with unread input would make the kernel send a reset, which can destroy the error line
/// before the client reads it. At most `capacity` linger at once; beyond that they are closed
/// at once. Owned by the event loop.
struct RefusedConnections {
  private var entries: [(fd: Int32, deadline: ContinuousClock.Instant)] = []
  /// The most refused connections kept open at once.
  let capacity = 64
  /// How long a refused connection may stay open.
  let linger: Duration = .seconds(2)

  /// Descriptors to poll for input.
  var descriptors: [Int32] { entries.map(\.fd) }

  /// Sends `line` to the accepted socket `fd`, shuts its write side and keeps it until the client
  /// closes (or closes it now when too many linger already).
  mutating func refuse(_ fd: Int32, line: [UInt8]) {
    _ = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    shutdown(fd, Int32(SHUT_WR))
    guard entries.count < capacity else {
      drainAndClose(fd)
      return
    }
    entries.append((fd, ContinuousClock.now + linger))
  }

  /// Reads and discards input of `fd`; closes it at end of stream or on an error.
  mutating func readable(_ fd: Int32) {
    var scratch = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = read(fd, &scratch, scratch.count)
      if count > 0 { continue }
      if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
      if count < 0 && errno == EINTR { continue }
      remove(fd)
      return
    }
  }

  /// Closes the connections whose time is up.
  mutating func expire(now: ContinuousClock.Instant) {
    for entry in entries where entry.deadline <= now { remove(entry.fd) }
  }

  /// Closes every refused connection (the server is stopping).
  mutating func closeAll() {
    for entry in entries { drainAndClose(entry.fd) }
    entries.removeAll()
  }

  private mutating func remove(_ fd: Int32) {
    entries.removeAll { $0.fd == fd }
    drainAndClose(fd)
  }

  /// Discards pending input (so closing does not reset the connection) and closes.
  private func drainAndClose(_ fd: Int32) {
    var scratch = [UInt8](repeating: 0, count: 4096)
    while read(fd, &scratch, scratch.count) > 0 {}
    close(fd)
  }
}

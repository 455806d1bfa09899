// A connection's socket and reply buffer, shared by the event loop and index workers.
import Glibc
import Synchronization

/// The write side of one connection: the socket descriptor and the reply bytes not yet written.
/// The event loop and index-lane workers both write replies through it (a worker answers its
/// request directly instead of handing the reply to the loop, which would cost a thread wake-up
/// on the client's critical path), so every access holds one lock, and the descriptor is closed
/// under that lock: nobody writes to a descriptor number that was closed and reused.
final class ConnectionOutput: Sendable {
  private struct State {
    var bytes: [UInt8] = []
    var start = 0
    var peak = 0
    var closed = false
    /// A write failed: the loop closes the connection when it next looks.
    var failed = false
  }

  /// The socket.
  let fd: Int32
  private let state = Mutex(State())

  init(fd: Int32) { self.fd = fd }

  /// Reply bytes not yet written to the socket.
  var buffered: Int { state.withLock { $0.bytes.count - $0.start } }

  /// The largest number of reply bytes ever buffered.
  var peak: Int { state.withLock { $0.peak } }

  /// True once a write failed; the connection must be closed.
  var failed: Bool { state.withLock { $0.failed } }

  /// Appends `line` after anything already buffered and writes as much as the socket takes now.
  /// Does nothing once the connection is closed. Returns false when the write failed.
  @discardableResult
  func send(_ line: [UInt8]) -> Bool {
    state.withLock { state in
      guard !state.closed else { return true }
      if state.start == state.bytes.count, !state.failed {
        // Nothing queued: write straight from `line`, buffering only what the socket refuses.
        var offset = 0
        guard Self.write(fd, line, from: &offset) else {
          state.failed = true
          return false
        }
        if offset < line.count { state.bytes.append(contentsOf: line[offset...]) }
      } else {
        state.bytes.append(contentsOf: line)
      }
      state.peak = max(state.peak, state.bytes.count - state.start)
      return flushLocked(&state)
    }
  }

  /// Writes as much buffered output as the socket takes without blocking.
  /// - Returns: false when the socket failed and the connection must be closed.
  func flush() -> Bool { state.withLock { flushLocked(&$0) } }

  /// Closes the socket; later sends are dropped.
  func close() {
    state.withLock { state in
      guard !state.closed else { return }
      state.closed = true
      state.bytes = []
      state.start = 0
      _ = Glibc.close(fd)
    }
  }

  private func flushLocked(_ state: inout State) -> Bool {
    guard !state.closed, !state.failed else { return !state.failed }
    var offset = state.start
    let ok = Self.write(fd, state.bytes, from: &offset)
    state.start = offset
    if !ok { state.failed = true }
    if state.start == state.bytes.count {
      state.bytes.removeAll(keepingCapacity: state.bytes.capacity <= 1 << 16)
      state.start = 0
    } else if state.start >= 1 << 16 {
      state.bytes.removeSubrange(0..<state.start)
      state.start = 0
    }
    return ok
  }

  /// Writes `bytes[offset...]` until done or the socket would block; advances `offset`.
  /// - Returns: false on a socket error other than EAGAIN/EINTR.
  private static func write(_ fd: Int32, _ bytes: [UInt8], from offset: inout Int) -> Bool {
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { raw in
        Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
      }
      if written > 0 {
        offset += written
      } else if written < 0 && errno == EINTR {
        continue
      } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
        return true
      } else {
        return false
      }
    }
    return true
  }
}

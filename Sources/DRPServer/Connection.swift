// Per-connection state, owned by the event loop thread.
import DRPCore
import DRPProtocol
import Glibc

/// One client connection. Only the event loop touches it.
final class Connection {
  /// A request accepted and not yet answered.
  struct InFlight {
    /// Distinguishes this request from a later one reusing the id.
    var token: UInt64
    var method: String
    var started: ContinuousClock.Instant
    var context: RequestContext
    /// The running handler; nil while queued for a background slot.
    var task: Task<Void, Never>?
  }

  let id: UInt64
  let fd: Int32
  var authenticated: Bool
  var framer: LineFramer
  private(set) var output: [UInt8] = []
  private var outputStart = 0
  var inFlight: [RPCID: InFlight] = [:]
  /// Index-lane jobs queued or running for this connection (including notifications and
  /// cancelled requests whose job has not ended yet).
  var indexJobs = 0
  var lastActivity = ContinuousClock.now
  /// The client half-closed its side: answer what is in flight, then close.
  var inputClosed = false
  /// Close as soon as buffered output is written (after a fatal error line).
  var closeAfterFlush = false
  /// The largest amount of reply bytes ever buffered for this connection.
  var peakBufferedOutput = 0
  /// The socket was closed; ignore further events.
  var closed = false

  init(id: UInt64, fd: Int32, authenticated: Bool, maxLineBytes: Int) {
    self.id = id
    self.fd = fd
    self.authenticated = authenticated
    self.framer = LineFramer(maxLineBytes: maxLineBytes)
  }

  /// Reply bytes not yet written to the socket.
  var bufferedOutput: Int { output.count - outputStart }

  func enqueue(_ bytes: [UInt8]) {
    output.append(contentsOf: bytes)
    peakBufferedOutput = max(peakBufferedOutput, bufferedOutput)
  }

  /// Writes as much buffered output as the socket takes without blocking.
  /// - Returns: false when the socket failed and the connection must be closed.
  func flush() -> Bool {
    while outputStart < output.count {
      let written = output.withUnsafeBytes { raw in
        send(fd, raw.baseAddress! + outputStart, raw.count - outputStart, Int32(MSG_NOSIGNAL))
      }
      if written > 0 {
        outputStart += written
      } else if written < 0 && errno == EINTR {
        continue
      } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
        break
      } else {
        return false
      }
    }
    if outputStart == output.count {
      output.removeAll(keepingCapacity: output.capacity <= 1 << 16)
      outputStart = 0
    } else if outputStart >= 1 << 16 {
      output.removeSubrange(0..<outputStart)
      outputStart = 0
    }
    return true
  }
}

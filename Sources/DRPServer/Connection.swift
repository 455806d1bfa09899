// Per-connection state, owned by the event loop thread.
import DRPCore
import DRPProtocol
import Glibc

/// One client connection. Only the event loop touches it; index workers reach its `output` only.
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
  /// The socket and the replies not yet written (shared with index workers).
  let output: ConnectionOutput
  var authenticated: Bool
  /// An `auth` request succeeded on this connection (a second one is an error).
  var authAccepted = false
  /// Failed `auth` attempts so far.
  var authFailures = 0
  /// A failed `auth` waits for its delayed reply: nothing more is read or processed until then.
  var awaitingAuthReply = false
  var framer: LineFramer
  var inFlight: [RPCID: InFlight] = [:]
  /// Index-lane jobs queued or running for this connection (including notifications and
  /// cancelled requests whose job has not ended yet).
  var indexJobs = 0
  var lastActivity = ContinuousClock.now
  /// The client half-closed its side: answer what is in flight, then close.
  var inputClosed = false
  /// Close as soon as buffered output is written (after a fatal error line).
  var closeAfterFlush = false
  /// The socket was closed; ignore further events.
  var closed = false

  init(id: UInt64, fd: Int32, authenticated: Bool, maxLineBytes: Int) {
    self.id = id
    self.output = ConnectionOutput(fd: fd)
    self.authenticated = authenticated
    self.framer = LineFramer(maxLineBytes: maxLineBytes)
  }

  /// The socket descriptor.
  var fd: Int32 { output.fd }

  /// Reply bytes not yet written to the socket.
  var bufferedOutput: Int { output.buffered }
}

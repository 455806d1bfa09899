import DRPTestSupport
import Glibc

/// A TCP listener on 127.0.0.1 that never accepts: HTTP clients connect (the kernel completes the
/// handshake) and then wait forever for an answer. Configured as the LLM URL it makes every
/// generation hang until cancelled — a deterministic "slow model" without sleeps in drp itself.
final class StalledListener {
  let fd: Int32
  let port: UInt16

  init() throws { (fd, port) = try LoopbackListener.open() }

  /// `http://127.0.0.1:PORT/v1`.
  var url: String { "http://127.0.0.1:\(port)/v1" }

  deinit { close(fd) }
}

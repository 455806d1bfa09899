import Glibc

/// A TCP listener on 127.0.0.1 that never accepts: HTTP clients connect (the kernel completes the
/// handshake) and then wait forever for an answer. Configured as the LLM URL it makes every
/// generation hang until cancelled — a deterministic "slow model" without sleeps in drp itself.
final class StalledListener {
  let fd: Int32
  let port: UInt16

  init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      throw StalledListenerError()
    }
    self.fd = fd
    port = UInt16(bigEndian: address.sin_port)
  }

  /// `http://127.0.0.1:PORT/v1`.
  var url: String { "http://127.0.0.1:\(port)/v1" }

  deinit { close(fd) }
}

/// The stalled listener could not be bound.
struct StalledListenerError: Error, CustomStringConvertible {
  var description: String { "cannot bind a TCP listener on 127.0.0.1" }
}

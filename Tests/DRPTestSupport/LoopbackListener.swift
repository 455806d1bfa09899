import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A listening TCP socket on an ephemeral 127.0.0.1 port, for the test servers (FakeHTTPServer,
/// the eval tests' echo server, the service tests' stalled listener).
public enum LoopbackListener {
  /// A socket bound to 127.0.0.1:0 (with `SO_REUSEADDR`) and listening with `backlog`, and the
  /// port it got.
  /// - Throws: `POSIXError` when the socket cannot be made or bound.
  public static func open(backlog: Int32 = 64) throws -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    var yes: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(fd, pointer, length) == 0 && listen(fd, backlog) == 0 && getsockname(fd, pointer, &length) == 0
      }
    }
    guard bound else {
      close(fd)
      throw POSIXError(.EADDRINUSE)
    }
    return (fd, UInt16(bigEndian: address.sin_port))
  }
}

import Glibc

@testable import DRPServer

/// A Unix socket bound at a path then closed without unlinking: a stale socket file.
struct RawListenerFile {
  let fd: Int32

  init(path: String) throws {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    self.fd = fd
    _ = try SocketIO.withUnixAddress(path) { address, length in bind(fd, address, length) }
  }

  func closeWithoutUnlink() { close(fd) }
}

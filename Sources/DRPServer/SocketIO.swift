// Thin wrappers over the POSIX socket calls the server and client need.
import Glibc

/// POSIX socket helpers (Linux). File descriptors are returned close-on-exec.
enum SocketIO {
  /// An error naming the failed call and `errno`.
  static func failure(_ what: String) -> ServerError {
    ServerError("\(what): \(String(cString: strerror(errno)))")
  }

  static func setNonBlocking(_ fd: Int32) {
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
  }

  static func setCloseOnExec(_ fd: Int32) {
    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
  }

  /// True for 127.0.0.0/8, ::1 and `localhost`.
  static func isLoopback(host: String) -> Bool {
    if host == "localhost" || host == "::1" { return true }
    var address = in_addr()
    guard inet_pton(AF_INET, host, &address) == 1 else { return false }
    return UInt32(bigEndian: address.s_addr) >> 24 == 127
  }

  /// Calls `body` with the socket address of a numeric host (or `localhost`) and port.
  static func withAddress<T>(
    host: String, port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t, Int32) throws(ServerError) -> T
  )
    throws(ServerError) -> T
  {
    let name = host == "localhost" ? "127.0.0.1" : host
    var v4 = sockaddr_in()
    if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
      v4.sin_family = sa_family_t(AF_INET)
      v4.sin_port = port.bigEndian
      return try withUnsafePointer(to: &v4) { pointer throws(ServerError) in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(ServerError) in
          try body(address, socklen_t(MemoryLayout<sockaddr_in>.size), AF_INET)
        }
      }
    }
    var v6 = sockaddr_in6()
    if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
      v6.sin6_family = sa_family_t(AF_INET6)
      v6.sin6_port = port.bigEndian
      return try withUnsafePointer(to: &v6) { pointer throws(ServerError) in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(ServerError) in
          try body(address, socklen_t(MemoryLayout<sockaddr_in6>.size), AF_INET6)
        }
      }
    }
    throw ServerError("\"\(host)\" is not a numeric IPv4/IPv6 address or localhost")
  }

  /// Calls `body` with the socket address of a Unix socket path.
  static func withUnixAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws(ServerError) -> T)
    throws(ServerError) -> T
  {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    let capacity = MemoryLayout.size(ofValue: address.sun_path)
    guard bytes.count < capacity else {
      throw ServerError("Unix socket path longer than \(capacity - 1) bytes: \(path)")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    return try withUnsafePointer(to: &address) { pointer throws(ServerError) in
      try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer throws(ServerError) in
        try body(sockaddrPointer, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
  }

  static func newSocket(family: Int32) throws(ServerError) -> Int32 {
    let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw failure("socket") }
    return fd
  }

  /// A non-blocking listening TCP socket and the port it got.
  static func listenTCP(host: String, port: UInt16, backlog: Int32 = 512) throws(ServerError) -> (
    fd: Int32, port: UInt16
  ) {
    try withAddress(host: host, port: port) { address, length, family throws(ServerError) in
      let fd = try newSocket(family: family)
      var one: Int32 = 1
      _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
      guard bind(fd, address, length) == 0, listen(fd, backlog) == 0 else {
        let error = failure("cannot listen on \(Endpoint.tcp(host: host, port: port))")
        close(fd)
        throw error
      }
      setNonBlocking(fd)
      var bound = sockaddr_storage()
      var boundLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
      _ = withUnsafeMutablePointer(to: &bound) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &boundLength) }
      }
      let boundPort = withUnsafeBytes(of: &bound) { raw -> UInt16 in
        // sin_port and sin6_port share offset 2 in both address layouts.
        UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
      }
      return (fd, boundPort)
    }
  }

  /// A non-blocking listening Unix socket with mode 0600. A stale socket file (nobody accepting)
  /// is removed first; a live one is an error.
  static func listenUnix(path: String, backlog: Int32 = 512) throws(ServerError) -> Int32 {
    var status = stat()
    if lstat(path, &status) == 0 {
      guard status.st_mode & S_IFMT == S_IFSOCK else {
        throw ServerError("\(path) exists and is not a socket; refusing to replace it")
      }
      if let probe = try? connectBlocking(.unix(path: path)) {
        close(probe)
        throw ServerError("another server is already listening on \(path)")
      }
      unlink(path)
    }
    return try withUnixAddress(path) { address, length throws(ServerError) in
      let fd = try newSocket(family: AF_UNIX)
      // Nobody can connect between bind and listen, so tightening the mode here leaves no window.
      guard bind(fd, address, length) == 0, chmod(path, 0o600) == 0, listen(fd, backlog) == 0 else {
        let error = failure("cannot listen on unix:\(path)")
        close(fd)
        throw error
      }
      setNonBlocking(fd)
      return fd
    }
  }

  /// A connected blocking socket.
  static func connectBlocking(_ endpoint: Endpoint) throws(ServerError) -> Int32 {
    let connectTo: (UnsafePointer<sockaddr>, socklen_t, Int32) throws(ServerError) -> Int32 = {
      address, length, family throws(ServerError) in
      let fd = try newSocket(family: family)
      guard connect(fd, address, length) == 0 else {
        let error = failure("cannot connect to \(endpoint)")
        close(fd)
        throw error
      }
      return fd
    }
    switch endpoint {
    case .tcp(let host, let port):
      let fd = try withAddress(host: host, port: port, connectTo)
      var one: Int32 = 1
      _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
      return fd
    case .unix(let path):
      return try withUnixAddress(path) { address, length throws(ServerError) in try connectTo(address, length, AF_UNIX)
      }
    }
  }
}

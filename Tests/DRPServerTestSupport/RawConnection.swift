import DRPCore
import DRPProtocol
import DRPServer
import Glibc

/// A raw socket to the server under test: writes bytes, reads JSON lines with deadlines.
/// A writer thread may only call `write` while the reading thread owns `pending`.
public final class RawConnection: @unchecked Sendable {  // @unchecked: `pending` has one reader thread
  /// The socket.
  public let fd: Int32
  private var pending: [UInt8] = []

  /// Connects to `endpoint` (TCP on 127.0.0.1, or a Unix socket).
  public init(_ endpoint: Endpoint) throws {
    switch endpoint {
    case .tcp(_, let port):
      fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = port.bigEndian
      address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
      let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard result == 0 else { throw ServerError("connect failed: \(errno)") }
    case .unix(let path):
      fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_un()
      address.sun_family = sa_family_t(AF_UNIX)
      withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = Array(path.utf8)
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
      }
      let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
      guard result == 0 else { throw ServerError("connect failed: \(errno)") }
    }
    limitSendTime()
  }

  deinit { close(fd) }

  /// Bounds every blocking send, so a server that stops reading fails the test instead of hanging it.
  private func limitSendTime() {
    var limit = timeval(tv_sec: 10, tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
  }

  /// Writes `bytes` (blocking, at most 10 s per send).
  public func write(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
      guard written > 0 else { return }
      offset += written
    }
  }

  /// Writes the UTF-8 bytes of `text`.
  public func write(_ text: String) { write(Array(text.utf8)) }

  /// Sends a request line built from `method`, `id` and `params`.
  public func request(_ method: String, id: JSONValue, params: JSONValue = [:]) {
    write(JSONWriter.bytes(["jsonrpc": "2.0", "id": id, "method": .string(method), "params": params]) + [0x0A])
  }

  /// The next JSON line, or nil on EOF or timeout.
  public func readLine(timeout: Duration = .seconds(5)) -> JSONValue? {
    let deadline = ContinuousClock.now + timeout
    while true {
      if let newline = pending.firstIndex(of: 0x0A) {
        let line = Array(pending[..<newline])
        pending.removeSubrange(...newline)
        return try? JSONParser().parse(line)
      }
      let remaining = deadline - .now
      guard remaining > .zero else { return nil }
      var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let millis = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
      guard poll(&descriptor, 1, max(1, millis)) > 0 else { continue }
      var buffer = [UInt8](repeating: 0, count: 65536)
      let count = recv(fd, &buffer, buffer.count, 0)
      guard count > 0 else { return nil }
      pending.append(contentsOf: buffer[0..<count])
    }
  }

  /// True when the server closed the connection within `timeout` (after any remaining lines).
  public func waitForClose(timeout: Duration = .seconds(5)) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&descriptor, 1, 50) > 0 else { continue }
      var buffer = [UInt8](repeating: 0, count: 65536)
      if recv(fd, &buffer, buffer.count, 0) <= 0 { return true }
    }
    return false
  }

  /// Sends a request and returns the reply with its id (notifications before it are skipped).
  public func call(_ method: String, _ params: JSONValue = [:], id: JSONValue = 1, timeout: Duration = .seconds(10))
    -> JSONValue?
  {
    request(method, id: id, params: params)
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      guard let line = readLine(timeout: deadline - .now) else { return nil }
      if line["id"] == id { return line }
    }
    return nil
  }
}

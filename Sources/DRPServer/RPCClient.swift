// A blocking JSON-RPC client for the CLI and tests.
import DRPCore
import DRPProtocol
import Glibc

/// A blocking client over one connection: sends a request, passes `progress` (and other)
/// notifications to a callback, returns the result or throws the `RPCError` reply. Not thread-safe.
public final class RPCClient {
  private let fd: Int32
  private let parser = JSONParser(maxDepth: 512)
  private var framer = LineFramer(maxLineBytes: 1 << 28)
  private var nextID: Int64 = 1
  private var closed = false
  /// Per-call time limit used when a call gives none.
  public var timeout: Duration

  /// Connects to `tcp://host:port`, `tcp:host:port`, `host:port`, `unix:/path` or a socket path; when `token` is
  /// given, authenticates first.
  public init(connectingTo address: String, timeout: Duration = .seconds(30), token: String? = nil) throws {
    let endpoint = try Endpoint(parsing: address)
    fd = try SocketIO.connectBlocking(endpoint)
    self.timeout = timeout
    // A server that stops reading makes `send` fail after the timeout instead of blocking forever.
    let seconds = max(timeout.components.seconds, 1)
    var limit = timeval(tv_sec: Int(seconds), tv_usec: 0)
    _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    if let token { _ = try call("auth", params: ["token": .string(token)]) }
  }

  deinit { close() }

  /// Closes the connection.
  public func close() {
    guard !closed else { return }
    closed = true
    Glibc.close(fd)
  }

  /// Calls `method` and waits for its reply.
  /// - Parameter onNotification: receives notifications that arrive meanwhile (e.g. `progress`).
  /// - Returns: the `result`.
  /// - Throws: the reply's `RPCError`, or `ServerError` on timeout, disconnect or garbage.
  public func call(
    _ method: String, params: [String: JSONValue] = [:], timeout: Duration? = nil,
    onNotification: (RPCNotification) -> Void = { _ in }
  ) throws -> JSONValue {
    let id = RPCID.int(nextID)
    nextID += 1
    try send(RPCRequest(id: id, method: method, params: params))
    let deadline = ContinuousClock.now + (timeout ?? self.timeout)
    while true {
      let message = try readMessage(deadline: deadline)
      if let response = RPCResponse(json: message) {
        guard response.id == id else { continue }
        return try response.outcome.get()
      }
      if let notification = RPCNotification(json: message) { onNotification(notification) }
    }
  }

  /// Sends one request or notification without waiting.
  public func send(_ request: RPCRequest) throws {
    let line = request.line
    var offset = 0
    while offset < line.count {
      let written = line.withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
      }
      if written < 0 {
        if errno == EINTR { continue }
        throw SocketIO.failure("send failed")
      }
      offset += written
    }
  }

  /// Reads the next message (reply or notification) from the server.
  /// - Throws: `ServerError` on timeout, when the server closes the connection, or on an unparsable line.
  public func readMessage(deadline: ContinuousClock.Instant) throws -> JSONValue {
    while true {
      switch framer.next() {
      case .line(let bytes)?:
        do {
          return try parser.parse(bytes)
        } catch {
          throw ServerError("server sent invalid JSON: \(error)")
        }
      case .tooLong?: throw ServerError("server sent a line too long to read")
      case nil: break
      }
      let remaining = deadline - .now
      guard remaining > .zero else { throw ServerError("timed out waiting for the server") }
      var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, Int32(max(1, min(remaining.milliseconds, 60_000))))
      if ready < 0 && errno != EINTR { throw SocketIO.failure("poll failed") }
      guard ready > 0 else { continue }
      var buffer = [UInt8](repeating: 0, count: 65536)
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if count == 0 { throw ServerError("the server closed the connection") }
      if count < 0 {
        if errno == EINTR || errno == EAGAIN { continue }
        throw SocketIO.failure("receive failed")
      }
      buffer.withUnsafeBytes { framer.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }
  }
}

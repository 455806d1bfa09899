import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A scripted HTTP/1.1 server on an ephemeral 127.0.0.1 port (a stand-in for OpenAI-compatible
/// servers in the client and pipeline tests): one thread accepts, one thread per
/// connection answers with the `Reply` the handler picks. Every reply closes the connection, so
/// each client attempt is one connection. All waits are bounded; `stop()` ends every thread.
public final class FakeHTTPServer: @unchecked Sendable {
  /// A request as received.
  public struct Request: Sendable {
    /// The HTTP method.
    public var method: String
    /// The request target.
    public var path: String
    /// Header fields, names lowercased.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// The body parsed as a JSON object (empty when it is not one).
    public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
  }

  /// What to do with a request.
  public enum Reply: Sendable {
    /// A complete response with `Content-Length`.
    case respond(status: Int, headers: [String: String] = [:], body: String)
    /// A 200 `text/event-stream` body written piece by piece with `delay` seconds between pieces,
    /// then the connection is closed (or held open until the client leaves when `hold` is set).
    case stream(pieces: [String], delay: Double = 0.01, hold: Bool = false)
    /// Never answer; hold the connection until the client closes it or the server stops.
    case hang
    /// Raw bytes (status line and headers included) written piece by piece with `delay` seconds
    /// between pieces, then closed (or held open until the client leaves when `hold` is set).
    case raw(pieces: [String], delay: Double = 0.005, hold: Bool = false)
  }

  /// The port the server listens on.
  public let port: UInt16
  /// The base URL of the fake API (`http://127.0.0.1:PORT/v1`).
  public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

  private let listener: Int32
  private let handler: @Sendable (Request, Int) -> Reply
  private let lock = NSLock()
  private var stopped = false
  private var received: [Request] = []
  private var clientsGone = 0
  private var inFlight = 0
  private var maxInFlight = 0

  /// Starts listening; `handler` gets each request and its 0-based arrival number.
  public init(handler: @escaping @Sendable (Request, Int) -> Reply) throws {
    signal(SIGPIPE, SIG_IGN)
    self.handler = handler
    let (fd, port) = try LoopbackListener.open()
    listener = fd
    self.port = port
    Thread { [self] in acceptLoop() }.start()
  }

  deinit { stop() }

  /// Requests received so far.
  public var requests: [Request] { lock.withLock { received } }
  /// Connections the client closed while the server was holding them (`hang` or `hold`).
  public var clientDisconnects: Int { lock.withLock { clientsGone } }
  /// The most requests being answered at the same time (from the request read to just before
  /// the last bytes of its answer).
  public var peakConcurrency: Int { lock.withLock { maxInFlight } }

  /// Stops accepting and releases held connections (threads exit within ~50 ms).
  public func stop() {
    let first: Bool = lock.withLock {
      defer { stopped = true }
      return !stopped
    }
    if first { close(listener) }
  }

  /// A port on 127.0.0.1 with nothing listening (bound then closed).
  public static func closedPort() throws -> UInt16 {
    let (fd, port) = try LoopbackListener.open()
    close(fd)
    return port
  }

  private var isStopped: Bool { lock.withLock { stopped } }

  private func acceptLoop() {
    while !isStopped {
      var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
      guard poll(&poller, 1, 50) > 0, !isStopped else { continue }
      let client = accept(listener, nil, nil)
      guard client >= 0 else { continue }
      var yes: Int32 = 1
      setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
      Thread { [self] in serve(client) }.start()
    }
  }

  private func serve(_ client: Int32) {
    defer { close(client) }
    guard let request = Self.readRequest(client) else { return }
    let number: Int = lock.withLock {
      received.append(request)
      inFlight += 1
      maxInFlight = max(maxInFlight, inFlight)
      return received.count - 1
    }
    // A request stops counting as in flight just before the last bytes of its answer are written:
    // a client that starts its next request as soon as it has an answer must not overlap with it.
    var answered = false
    func answer() {
      if !answered { lock.withLock { inFlight -= 1 } }
      answered = true
    }
    defer { answer() }
    switch handler(request, number) {
    case .respond(let status, let headers, let body):
      var head = "HTTP/1.1 \(status) Fake\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n"
      if headers["Content-Type"] == nil { head += "Content-Type: application/json\r\n" }
      for (name, value) in headers { head += "\(name): \(value)\r\n" }
      answer()
      write(client, head + "\r\n" + body)
    case .stream(let pieces, let delay, let hold):
      write(client, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
      writePieces(client, pieces, delay: delay, hold: hold, beforeLast: answer)
    case .hang:
      holdUntilClientLeaves(client)
    case .raw(let pieces, let delay, let hold):
      writePieces(client, pieces, delay: delay, hold: hold, beforeLast: answer)
    }
  }

  /// Writes `pieces` with `delay` seconds after each (calling `beforeLast` before the last one
  /// unless the connection is held), then holds the connection if asked.
  private func writePieces(
    _ client: Int32, _ pieces: [String], delay: Double, hold: Bool, beforeLast: () -> Void
  ) {
    for (number, piece) in pieces.enumerated() {
      if number == pieces.count - 1 && !hold { beforeLast() }
      guard write(client, piece) else { return }
      Thread.sleep(forTimeInterval: delay)
    }
    if hold { holdUntilClientLeaves(client) }
  }

  /// Waits until the peer closes (counted) or the server stops; at most 30 s.
  private func holdUntilClientLeaves(_ client: Int32) {
    let deadline = Date().addingTimeInterval(30)
    var byte: UInt8 = 0
    while !isStopped && Date() < deadline {
      var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
      if poll(&poller, 1, 50) > 0, recv(client, &byte, 1, 0) <= 0 {
        lock.withLock { clientsGone += 1 }
        return
      }
    }
  }

  /// Reads one request (head and `Content-Length` body) from `client`; nil when the peer closes
  /// or no complete request arrives within 5 s. Bytes received after the request are dropped, so
  /// a keep-alive server calls it again for a client's next request only when that client waits
  /// for each answer before sending (no pipelining; drp's client does).
  public static func readRequest(_ client: Int32) -> Request? {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    let separator = Data("\r\n\r\n".utf8)
    var headerEnd: Range<Data.Index>?
    var expected = Int.max
    let deadline = Date().addingTimeInterval(5)
    while data.count < expected && Date() < deadline {
      var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
      guard poll(&poller, 1, 50) > 0 else { continue }
      let count = recv(client, &buffer, buffer.count, 0)
      guard count > 0 else { return nil }
      data.append(contentsOf: buffer[0..<count])
      if headerEnd == nil, let range = data.range(of: separator) {
        headerEnd = range
        let head = String(decoding: data[..<range.lowerBound], as: UTF8.self)
        let length =
          head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
          .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        expected = range.upperBound + length
      }
    }
    guard let headerEnd, data.count >= expected else { return nil }
    let lines = String(decoding: data[..<headerEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let requestLine = lines[0].split(separator: " ")
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return Request(
      method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
      headers: headers, body: Data(data[headerEnd.upperBound..<expected]))
  }

  @discardableResult
  private func write(_ client: Int32, _ text: String) -> Bool {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      guard sent > 0 else { return false }
      offset += sent
    }
    return true
  }
}

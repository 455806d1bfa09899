import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP/1.1 request/response over a `BlockingSocket`, run synchronously on a dedicated thread.
/// The request is sent with `Content-Length` over a kept-alive connection when one is open (see
/// `IdleConnections`); the response is decoded by `HTTPResponseParser` and its body handed over
/// as it arrives.
final class SocketHTTPExchange: Sendable {
  private let socket: BlockingSocket
  private let host: String
  private let port: UInt16
  private let message: [UInt8]
  /// `host:port`, the key of kept-alive connections.
  private let server: String

  /// Prepares `request` (an `http://` URL); throws `invalidRequest` for anything else.
  init(_ request: URLRequest, timeout: Double) throws(OpenAIError) {
    guard let url = request.url, url.scheme == "http", let host = url.host, !host.isEmpty,
      let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
    else {
      throw .invalidRequest("'\(request.url?.absoluteString ?? "?")' is not an http:// URL")
    }
    socket = BlockingSocket(url: url.absoluteString, timeout: timeout)
    self.host = host
    port = UInt16(clamping: url.port ?? 80)
    server = "\(host):\(port)"
    var target = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
    if let query = components.percentEncodedQuery { target += "?" + query }
    let authority =
      (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host) + (url.port.map { ":\($0)" } ?? "")
    let body = request.httpBody ?? Data()
    var head = "\(request.httpMethod ?? "GET") \(target) HTTP/1.1\r\nHost: \(authority)\r\n"
    for (name, value) in (request.allHTTPHeaderFields ?? [:]).sorted(by: { $0.key < $1.key }) {
      head += "\(name): \(value)\r\n"
    }
    head += "Content-Length: \(body.count)\r\n\r\n"
    message = Array(head.utf8) + body
  }

  /// The most bytes of a non-2xx body kept (they only serve to quote the server's message).
  static let errorBodyBytes = 64 * 1024

  /// Aborts the exchange: the running `run` throws `cancelled` within 100 ms.
  func cancel() { socket.cancel() }

  /// Sends the request and reads the response, passing 2xx body bytes to `deliver` as they arrive.
  ///
  /// The request goes over a kept-alive connection to the same server when one waits in
  /// `IdleConnections.shared`; when that connection turns out closed by the server before any
  /// byte of the response arrived, the request is sent again over a new connection. After a
  /// complete response that leaves the connection open, the connection is kept for the next
  /// request.
  ///
  /// - Parameters:
  ///   - deadline: the whole exchange must end by this `BlockingSocket.now()` time.
  ///   - bodyLimit: a 2xx body longer than this fails at once (nil: no limit). Of an error
  ///     body only the first `errorBodyBytes` are read.
  /// - Throws: `AttemptFailure` (HTTP status, timeout, connection, malformed response, too large,
  ///   cancelled).
  func run(deadline: Double, bodyLimit: BodyLimit?, deliver: ([UInt8]) -> Void) throws(AttemptFailure) {
    defer { socket.close() }
    if let kept = IdleConnections.shared.take(server) {
      socket.adopt(kept)
      if try exchange(deadline: deadline, bodyLimit: bodyLimit, reused: true, deliver: deliver) { return }
      socket.close()
    }
    do {
      try socket.connect(host: host, port: port, deadline: deadline)
    } catch {
      throw AttemptFailure(error: error)
    }
    _ = try exchange(deadline: deadline, bodyLimit: bodyLimit, reused: false, deliver: deliver)
  }

  /// One request/response over the connected socket; returns false (nothing delivered) when a
  /// `reused` connection failed before any response byte: the server had closed it.
  private func exchange(deadline: Double, bodyLimit: BodyLimit?, reused: Bool, deliver: ([UInt8]) -> Void)
    throws(AttemptFailure) -> Bool
  {
    let url = socket.url
    var parser = HTTPResponseParser()
    var errorBody: [UInt8] = []
    var delivered = 0
    var received = 0
    do {
      try socket.send(message, deadline: deadline)
      var buffer = [UInt8](repeating: 0, count: 64 * 1024)
      while !parser.isComplete {
        let count = try socket.receive(into: &buffer, deadline: deadline)
        received += count
        if count == 0 {
          try parser.finish()
          break
        }
        let body = try parser.feed(buffer[0..<count])
        guard !body.isEmpty, let status = parser.head?.status else { continue }
        if (200..<300).contains(status) {
          delivered += body.count
          if let bodyLimit, delivered > bodyLimit.bytes { throw bodyLimit.error(url: url) }
          deliver(body)
        } else {
          errorBody += body.prefix(max(0, Self.errorBodyBytes - errorBody.count))
          if errorBody.count >= Self.errorBodyBytes { break }  // enough to quote the server's message
        }
      }
    } catch let error as OpenAIError {
      if reused && received == 0, case .connection = error { return false }
      throw AttemptFailure(error: error)
    } catch let failure as HTTPResponseParser.Failure {
      if case .endedEarly = failure {
        if reused && received == 0 { return false }
        throw AttemptFailure(error: .connection(reason: failure.description, url: url))
      }
      throw AttemptFailure(error: .malformedResponse(reason: failure.description, url: url))
    } catch {
      throw AttemptFailure(error: .connection(reason: "\(error)", url: url))
    }
    guard let head = parser.head else {
      throw AttemptFailure(error: .malformedResponse(reason: "no HTTP response", url: url))
    }
    if parser.keepsConnection, let fd = socket.detach() { IdleConnections.shared.put(fd, server) }
    if !(200..<300).contains(head.status) {
      throw AttemptFailure.http(
        status: head.status, retryAfter: head.headers["retry-after"], body: Data(errorBody), url: url)
    }
    return true
  }
}

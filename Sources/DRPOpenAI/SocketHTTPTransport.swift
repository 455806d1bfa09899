import DRPCore
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// HTTP/1.1 over POSIX sockets for `http://` endpoints. URLSession on Linux (libcurl driven by
/// dispatch sources) keeps a core busy while it waits for a slow answer; here each request runs
/// on a thread of `exchanges` sleeping in `poll()`, bridged to async callers. Blocking I/O never
/// runs on the Swift-concurrency pool.
struct SocketHTTPTransport: HTTPTransport {
  /// The threads exchanges run on, shared by every endpoint of the process: one per exchange in
  /// flight, reused by the next one (a new thread per request cost ~0.2 ms of CPU in stack set-up
  /// and page faults, `drp-bench pipeline` part c), ended after 10 s without work. At most 4,096
  /// exchanges run at once; later ones wait for a thread (their deadline runs meanwhile).
  static let exchanges = BlockingPool(name: "drp-http", threads: 4096, idleTimeout: 10)

  func send(_ request: URLRequest, timeout: Double, limit: BodyLimit) async throws -> Data {
    let exchange = try SocketHTTPExchange(request, timeout: timeout)
    let deadline = BlockingSocket.now() + timeout
    return try await withTaskCancellationHandler {
      try await Self.exchanges.run {
        var body = Data()
        try exchange.run(deadline: deadline, bodyLimit: limit) { body.append(contentsOf: $0) }
        return body
      }
    } onCancel: {
      exchange.cancel()
    }
  }

  func stream(_ request: URLRequest, timeout: Double) -> AsyncThrowingStream<Data, any Error> {
    let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
    let exchange: SocketHTTPExchange
    do {
      exchange = try SocketHTTPExchange(request, timeout: timeout)
    } catch {
      continuation.finish(throwing: AttemptFailure(error: error))
      return stream
    }
    continuation.onTermination = { _ in exchange.cancel() }
    let deadline = BlockingSocket.now() + timeout
    Self.exchanges.start {
      do {
        try exchange.run(deadline: deadline, bodyLimit: nil) { continuation.yield(Data($0)) }
        continuation.finish()
      } catch {
        continuation.finish(throwing: error)
      }
    }
    return stream
  }
}

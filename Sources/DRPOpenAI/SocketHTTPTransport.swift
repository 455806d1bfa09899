import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// HTTP/1.1 over POSIX sockets for `http://` endpoints. URLSession on Linux (libcurl driven by
/// dispatch sources) keeps a core busy while it waits for a slow answer; here each request runs
/// on a dedicated thread sleeping in `poll()`, bridged to async callers. Blocking I/O never runs
/// on the Swift-concurrency pool.
struct SocketHTTPTransport: HTTPTransport {
  func send(_ request: URLRequest, timeout: Double, limit: BodyLimit) async throws -> Data {
    let exchange = try SocketHTTPExchange(request, timeout: timeout)
    let deadline = BlockingSocket.now() + timeout
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
        Thread {
          var body = Data()
          do {
            try exchange.run(deadline: deadline, bodyLimit: limit) { body.append(contentsOf: $0) }
            continuation.resume(returning: body)
          } catch {
            continuation.resume(throwing: error)
          }
        }.start()
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
    Thread {
      do {
        try exchange.run(deadline: deadline, bodyLimit: nil) { continuation.yield(Data($0)) }
        continuation.finish()
      } catch {
        continuation.finish(throwing: error)
      }
    }.start()
    return stream
  }
}

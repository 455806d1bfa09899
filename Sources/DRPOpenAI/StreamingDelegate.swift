import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Receives a streamed HTTP body and yields its chunks into an `AsyncThrowingStream`.
/// A non-2xx response is collected (its first 64 KiB) and finishes the stream with an
/// `AttemptFailure`; an exchange still running `timeout` seconds after it started is cancelled
/// and fails with `OpenAIError.timeout`.
final class StreamingDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {  // @unchecked: `lock`
  private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
  private let url: String
  private let timeout: Double
  private let lock = NSLock()
  private var failedResponse: HTTPURLResponse?
  private var errorBody = Data()
  private var timedOut = false

  /// Opens `request` on a session of its own; the returned stream ends when the body does.
  /// Terminating the stream (the consumer stops) cancels the request and invalidates the session.
  static func open(_ request: URLRequest, timeout: Double) -> AsyncThrowingStream<Data, any Error> {
    let (stream, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
    let delegate = StreamingDelegate(
      continuation: continuation, url: request.url?.absoluteString ?? "?", timeout: timeout)
    let queue = OperationQueue()
    queue.maxConcurrentOperationCount = 1
    let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: queue)
    let task = session.dataTask(with: request)
    continuation.onTermination = { _ in
      task.cancel()
      session.invalidateAndCancel()
    }
    task.resume()
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak delegate] in
      guard let delegate else { return }
      delegate.lock.withLock { delegate.timedOut = true }
      task.cancel()
    }
    return stream
  }

  private init(continuation: AsyncThrowingStream<Data, any Error>.Continuation, url: String, timeout: Double) {
    self.continuation = continuation
    self.url = url
    self.timeout = timeout
  }

  func urlSession(
    _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
  ) {
    if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
      lock.withLock { failedResponse = http }
    }
    completionHandler(.allow)
  }

  func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
    let failing = lock.withLock {
      if failedResponse != nil {
        errorBody.append(data.prefix(max(0, SocketHTTPExchange.errorBodyBytes - errorBody.count)))
      }
      return failedResponse != nil
    }
    if !failing { continuation.yield(data) }
  }

  func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
    let (response, body, timedOut) = lock.withLock { (failedResponse, errorBody, self.timedOut) }
    if timedOut {
      continuation.finish(throwing: AttemptFailure(error: .timeout(seconds: timeout, url: url)))
    } else if let error {
      continuation.finish(throwing: AttemptFailure.transport(error, url: url, timeout: timeout))
    } else if let response {
      continuation.finish(throwing: AttemptFailure.http(response, body: body, url: url))
    } else {
      continuation.finish()
    }
    session.finishTasksAndInvalidate()
  }
}

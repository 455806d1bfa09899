import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Runs one URLSession data task as an async call with a hard deadline and task cancellation.
final class DataTaskRunner: @unchecked Sendable {  // @unchecked: task and stop reason guarded by `lock`
  private let lock = NSLock()
  private var task: URLSessionDataTask?
  private var stopReason: OpenAIError?

  /// Sends `request`; returns the body of a 2xx response or throws an `AttemptFailure`.
  static func run(_ request: URLRequest, session: URLSession, timeout: Double) async throws -> Data {
    let runner = DataTaskRunner()
    let url = request.url?.absoluteString ?? "?"
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
        let task = session.dataTask(with: request) { data, response, error in
          if let error {
            let failure = runner.currentStopReason.map { AttemptFailure(error: $0) }
            continuation.resume(throwing: failure ?? AttemptFailure.transport(error, url: url, timeout: timeout))
          } else if let http = response as? HTTPURLResponse {
            if (200..<300).contains(http.statusCode) {
              continuation.resume(returning: data ?? Data())
            } else {
              continuation.resume(throwing: AttemptFailure.http(http, body: data ?? Data(), url: url))
            }
          } else {
            continuation.resume(
              throwing: AttemptFailure(error: .malformedResponse(reason: "not an HTTP response", url: url)))
          }
        }
        runner.start(task)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak runner] in
          runner?.stop(.timeout(seconds: timeout, url: url))
        }
      }
    } onCancel: {
      runner.stop(.cancelled)
    }
  }

  private func start(_ task: URLSessionDataTask) {
    let stopped: Bool = lock.withLock {
      self.task = task
      return stopReason != nil
    }
    task.resume()
    if stopped { task.cancel() }
  }

  private var currentStopReason: OpenAIError? { lock.withLock { stopReason } }

  private func stop(_ reason: OpenAIError) {
    let task: URLSessionDataTask? = lock.withLock {
      if stopReason == nil { stopReason = reason }
      return self.task
    }
    task?.cancel()
  }
}

import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// URLSession (libcurl on Linux) for `https://` endpoints, which need TLS.
final class URLSessionTransport: HTTPTransport {
  private let session: URLSession

  /// A session sized for the endpoint's concurrency, idle timeout `transportTimeout`.
  init(endpoint: OpenAIEndpoint) {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = endpoint.transportTimeout
    configuration.httpMaximumConnectionsPerHost = max(1, endpoint.concurrency)
    session = URLSession(configuration: configuration)
  }

  deinit { session.invalidateAndCancel() }

  func send(_ request: URLRequest, timeout: Double, limit: BodyLimit) async throws -> Data {
    let body = try await DataTaskRunner.run(request, session: session, timeout: timeout)
    // URLSession hands the body over complete; the limit is checked then.
    if body.count > limit.bytes { throw AttemptFailure(error: limit.error(url: request.url?.absoluteString ?? "?")) }
    return body
  }

  func stream(_ request: URLRequest, timeout: Double) -> AsyncThrowingStream<Data, any Error> {
    StreamingDelegate.open(request, timeout: timeout)
  }
}

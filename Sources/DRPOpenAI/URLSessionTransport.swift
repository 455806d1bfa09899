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

  func send(_ request: URLRequest, timeout: Double) async throws -> Data {
    try await DataTaskRunner.run(request, session: session, timeout: timeout)
  }

  func stream(_ request: URLRequest, timeout: Double) -> AsyncThrowingStream<Data, any Error> {
    StreamingDelegate.open(request, timeout: timeout)
  }
}

import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// How `OpenAIClient` sends its requests: `SocketHTTPTransport` for `http://` endpoints,
/// `URLSessionTransport` (TLS) for `https://`. Both report failures as `AttemptFailure`.
protocol HTTPTransport: Sendable {
  /// Sends `request`; returns the body of a 2xx response. The whole attempt must finish within
  /// `timeout` seconds; cancelling the calling task aborts it with `OpenAIError.cancelled`.
  func send(_ request: URLRequest, timeout: Double) async throws -> Data

  /// Sends `request` and streams the body of a 2xx response as it arrives; silence longer than
  /// `request.timeoutInterval` fails with `OpenAIError.timeout(seconds: timeout, ...)`. A non-2xx
  /// response finishes the stream with an `AttemptFailure`. Terminating the stream aborts the request.
  func stream(_ request: URLRequest, timeout: Double) -> AsyncThrowingStream<Data, any Error>
}

/// The transport for an endpoint's base URL: plain sockets for `http`, URLSession otherwise.
func makeTransport(for endpoint: OpenAIEndpoint) -> any HTTPTransport {
  let isPlainHTTP = URL(string: endpoint.baseURL)?.scheme?.lowercased() == "http"
  return isPlainHTTP ? SocketHTTPTransport() : URLSessionTransport(endpoint: endpoint)
}

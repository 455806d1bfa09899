import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// How `OpenAIClient` sends its requests: `SocketHTTPTransport` for `http://` endpoints,
/// `URLSessionTransport` (TLS) for `https://`. Both report failures as `AttemptFailure`.
protocol HTTPTransport: Sendable {
  /// Sends `request`; returns the body of a 2xx response. The whole attempt must finish within
  /// `timeout` seconds; cancelling the calling task aborts it with `OpenAIError.cancelled`. A
  /// body longer than `limit.bytes` fails with `OpenAIError.tooLarge` (over plain sockets as soon
  /// as the limit is passed; URLSession checks the complete body).
  func send(_ request: URLRequest, timeout: Double, limit: BodyLimit) async throws -> Data

  /// Sends `request` and streams the body of a 2xx response as it arrives. The whole exchange,
  /// body included, must end within `timeout` seconds, else the stream fails with
  /// `OpenAIError.timeout`. A non-2xx response finishes the stream with an `AttemptFailure`.
  /// Terminating the stream aborts the request.
  func stream(_ request: URLRequest, timeout: Double) -> AsyncThrowingStream<Data, any Error>
}

/// The most body bytes a transport accepts, with the setting that raises it (for the error).
struct BodyLimit: Sendable {
  /// The limit in bytes.
  var bytes: Int
  /// The configuration key named in `OpenAIError.tooLarge`.
  var setting: String

  /// The error for a body over the limit from `url`.
  func error(url: String) -> OpenAIError { .tooLarge(what: "the reply", limit: bytes, setting: setting, url: url) }
}

/// The transport for an endpoint's base URL: plain sockets for `http`, URLSession otherwise.
func makeTransport(for endpoint: OpenAIEndpoint) -> any HTTPTransport {
  let isPlainHTTP = URL(string: endpoint.baseURL)?.scheme?.lowercased() == "http"
  return isPlainHTTP ? SocketHTTPTransport() : URLSessionTransport(endpoint: endpoint)
}

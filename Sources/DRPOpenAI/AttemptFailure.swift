import DRPCore
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The failure of one HTTP attempt, with the server's `Retry-After` when it sent one.
struct AttemptFailure: Error {
  var error: OpenAIError
  var retryAfter: Double?
  /// Set when the attempt must not be repeated whatever the error (a stream that delivered output).
  var isFinal = false

  /// The failure for a transport error reported by URLSession.
  static func transport(_ error: any Error, url: String, timeout: Double) -> AttemptFailure {
    if let error = error as? OpenAIError { return AttemptFailure(error: error) }
    guard let urlError = error as? URLError else {
      return AttemptFailure(error: .connection(reason: "\(error)", url: url))
    }
    switch urlError.code {
    case .timedOut: return AttemptFailure(error: .timeout(seconds: timeout, url: url))
    case .cancelled: return AttemptFailure(error: .cancelled)
    case .cannotConnectToHost: return AttemptFailure(error: .connection(reason: "connection refused", url: url))
    case .networkConnectionLost:
      return AttemptFailure(error: .connection(reason: "the connection was closed unexpectedly", url: url))
    case .cannotFindHost, .dnsLookupFailed:
      return AttemptFailure(error: .connection(reason: "unknown host", url: url))
    default:
      return AttemptFailure(
        error: .connection(reason: "\(urlError.localizedDescription) (URLError \(urlError.code.rawValue))", url: url))
    }
  }

  /// The failure for a non-2xx HTTP response; `retryAfter` is the raw header value.
  static func http(status: Int, retryAfter: String?, body: Data, url: String) -> AttemptFailure {
    AttemptFailure(
      error: .http(status: status, message: serverMessage(body), url: url),
      retryAfter: RetryPolicy.parseRetryAfter(retryAfter))
  }

  /// The failure for a non-2xx response reported by URLSession.
  static func http(_ response: HTTPURLResponse, body: Data, url: String) -> AttemptFailure {
    http(
      status: response.statusCode, retryAfter: response.value(forHTTPHeaderField: "Retry-After"), body: body, url: url)
  }

  /// The server's explanation: `error.message`, `error` or `message` from a JSON body, else the
  /// start of the body text.
  static func serverMessage(_ body: Data) -> String {
    if let object = try? JSONParser().parse(body), object.object != nil {
      if let message = object["error"]?["message"]?.string { return message }
      if let message = object["error"]?.string ?? object["message"]?.string { return message }
    }
    let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? "(empty body)" : text
  }
}

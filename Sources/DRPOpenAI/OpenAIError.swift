import Foundation

/// A failed call to an OpenAI-compatible server. Every message names the URL involved.
public indirect enum OpenAIError: Error, CustomStringConvertible, Equatable {
  /// The server answered with a non-2xx status; `message` is its `error.message` (or body excerpt).
  case http(status: Int, message: String, url: String)
  /// No complete answer within the endpoint's timeout.
  case timeout(seconds: Double, url: String)
  /// The connection could not be made or broke (refused, reset, DNS...).
  case connection(reason: String, url: String)
  /// The server answered 2xx but the body is not what the API promises.
  case malformedResponse(reason: String, url: String)
  /// The server reported an error inside an event stream.
  case streamError(message: String, url: String)
  /// Embedding vectors do not all have the expected length.
  case dimensionMismatch(expected: Int, actual: Int, index: Int)
  /// The model's reasoning (`<think>` block) was cut off before any answer was produced.
  case truncatedReasoning(finishReason: String?)
  /// The caller cancelled the call.
  case cancelled
  /// The request could not be built (bad base URL, bad parameters).
  case invalidRequest(String)
  /// Every attempt failed with a retryable error; `last` is the final one.
  case retriesExhausted(attempts: Int, last: OpenAIError)
  /// Something the server sent is larger than a limit: `what` names it, `setting` the
  /// configuration key that raises the limit. Not retried.
  case tooLarge(what: String, limit: Int, setting: String, url: String)

  /// A sentence a user can act on.
  public var description: String {
    switch self {
    case .http(let status, let message, let url):
      let hint =
        Self.isContextOverflow(status: status, message: message)
        ? " (the prompt does not fit the model's context: lower the prompt budget, --prompt-budget or"
          + " pipeline.prompt_budget, or raise the server's context size)" : ""
      return "HTTP \(status) from \(url): \(message)" + hint
    case .timeout(let seconds, let url):
      return "no answer from \(url) within \(Self.format(seconds)) s (timeout)"
    case .connection(let reason, let url):
      return "cannot reach \(url): \(reason) (is the server running?)"
    case .malformedResponse(let reason, let url):
      return "unexpected response from \(url): \(reason)"
    case .streamError(let message, let url):
      return "the event stream from \(url) reported an error: \(message)"
    case .dimensionMismatch(let expected, let actual, let index):
      return "embedding \(index) has \(actual) dimensions, expected \(expected)"
    case .truncatedReasoning(let finishReason):
      return "the model's reasoning was cut off before an answer (finish reason: \(finishReason ?? "none"));"
        + " raise max_tokens"
    case .cancelled:
      return "the request was cancelled"
    case .invalidRequest(let reason):
      return "invalid request: \(reason)"
    case .retriesExhausted(let attempts, let last):
      return "gave up after \(attempts) attempts; last error: \(last)"
    case .tooLarge(let what, let limit, let setting, let url):
      return "\(what) from \(url) exceeds \(limit) bytes (limit: \(setting))"
    }
  }

  /// Whether another attempt may succeed: 429, 5xx, timeouts and connection errors.
  var isRetryable: Bool {
    switch self {
    case .http(let status, _, _): return status == 429 || (500...599).contains(status)
    case .timeout, .connection: return true
    default: return false
    }
  }

  /// Whether the server refused this request as such, so sending it again (even with another
  /// seed) fails the same way: a 4xx other than 408 (timeout), 409, 425 and 429 (try later),
  /// or a request that could not be built. Also seen through `retriesExhausted`.
  public var isRejectedRequest: Bool {
    switch self {
    case .http(let status, _, _): return (400...499).contains(status) && ![408, 409, 425, 429].contains(status)
    case .invalidRequest: return true
    case .retriesExhausted(_, let last): return last.isRejectedRequest
    default: return false
    }
  }

  /// Whether a 400/413 answer says the prompt exceeds the model's context, as llama.cpp ("exceeds
  /// the available context size"), vLLM and OpenAI ("maximum context length",
  /// `context_length_exceeded`) word it.
  static func isContextOverflow(status: Int, message: String) -> Bool {
    guard status == 400 || status == 413 else { return false }
    let text = message.lowercased()
    return text.contains("context size") || text.contains("context length") || text.contains("context_length")
      || text.contains("context window")
  }

  private static func format(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.2f", seconds)
  }
}

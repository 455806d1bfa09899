import DRPCore
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A client for an OpenAI-compatible server: chat completions (whole or streamed as server-sent
/// events) and embeddings.
///
/// Behaviour shared by every call:
/// - **Retries**: 429, 5xx, timeouts and connection errors are retried up to
///   `endpoint.maxRetries` times, waiting `retryBaseDelay * 2^n` seconds (capped at 8 s, scaled
///   by a random factor in [0.5, 1]) or the server's `Retry-After` (capped at 60 s). Other 4xx
///   statuses fail at once with the server's `error.message`. When every attempt fails the error is
///   `OpenAIError.retriesExhausted` carrying the last failure. A stream is retried only before it
///   delivered its first event.
/// - **Timeout**: each attempt of a call must finish within `endpoint.timeout` seconds, from
///   connecting to the last byte of the body (a streamed body included).
/// - **Limits**: a chat request whose messages exceed `endpoint.maxPromptBytes` is refused before
///   it is sent; a reply larger than `endpoint.replyLimit(maxTokens:)` (a whole body, or the text
///   of a stream) and an event-stream line longer than `endpoint.maxLineBytes` fail the call with
///   `OpenAIError.tooLarge`. Embeddings bodies may hold `embeddingReplyBytesPerText` per text.
/// - **Concurrency**: at most `endpoint.concurrency` requests of this client are in flight; other
///   calls wait without blocking a thread (a stream holds its permit until it ends).
/// - **Usage**: successful calls and reported token counts accumulate in `usage`.
/// - **Cancellation**: cancelling the calling task (or dropping a stream) cancels the request.
/// - **Transport**: `http://` endpoints are reached over plain sockets (a thread per request that
///   sleeps in `poll()`); `https://` endpoints use URLSession.
public final class OpenAIClient: Sendable {
  /// The server and settings.
  public let endpoint: OpenAIEndpoint
  /// Running totals of calls and tokens.
  public let usage: UsageMeter
  let transport: any HTTPTransport
  let permits: AsyncSemaphore
  let retryPolicy: RetryPolicy

  /// Creates a client; `usage` may be shared between clients.
  public init(endpoint: OpenAIEndpoint, usage: UsageMeter = UsageMeter()) {
    self.endpoint = endpoint
    self.usage = usage
    transport = makeTransport(for: endpoint)
    permits = AsyncSemaphore(permits: endpoint.concurrency)
    retryPolicy = RetryPolicy(maxRetries: max(0, endpoint.maxRetries), baseDelay: max(0, endpoint.retryBaseDelay))
  }

  /// Requests of this client in flight now (holding one of its `endpoint.concurrency` permits).
  public var requestsInFlight: Int { permits.inUse }

  /// A POST request with a JSON body (keys sorted) and the endpoint's headers.
  func makeRequest(path: String, body: [String: JSONValue], streaming: Bool = false) throws -> URLRequest {
    var request = URLRequest(url: try endpoint.url(path))
    request.httpMethod = "POST"
    request.timeoutInterval = endpoint.transportTimeout
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue(streaming ? "text/event-stream" : "application/json", forHTTPHeaderField: "Accept")
    if let key = endpoint.apiKey, !key.isEmpty {
      request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
    }
    // The same bytes as JSONEncoder with .sortedKeys, written directly (JSONWriterEncoderTests).
    request.httpBody = try JSONWriter.encoderData(.object(body), encoding: body)
    return request
  }

  /// Runs `attempt` until it succeeds, fails with a non-retryable error or retries run out.
  /// `attempt` receives the 0-based attempt number and throws `AttemptFailure` or `OpenAIError`.
  func withRetries<T>(_ attempt: (Int) async throws -> T) async throws -> T {
    var number = 0
    while true {
      let failure: AttemptFailure
      do {
        return try await attempt(number)
      } catch let error as AttemptFailure {
        failure = error
      } catch let error as OpenAIError {
        failure = AttemptFailure(error: error)
      } catch {
        failure = AttemptFailure(
          error: Task.isCancelled ? .cancelled : .connection(reason: "\(error)", url: endpoint.baseURL))
      }
      guard failure.error.isRetryable, !failure.isFinal, !Task.isCancelled else { throw failure.error }
      guard number < retryPolicy.maxRetries else {
        throw number == 0 ? failure.error : OpenAIError.retriesExhausted(attempts: number + 1, last: failure.error)
      }
      let delay = retryPolicy.delay(beforeRetry: number, retryAfter: failure.retryAfter)
      do {
        try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
      } catch {
        throw OpenAIError.cancelled
      }
      number += 1
    }
  }

  /// POSTs a JSON body with retries under the concurrency limit and returns the 2xx body, which
  /// may hold at most `limit.bytes`.
  func post(path: String, body: [String: JSONValue], limit: BodyLimit) async throws -> Data {
    let request = try makeRequest(path: path, body: body)
    let timeout = endpoint.timeout
    return try await withRetries { _ in
      try await permits.acquire()
      defer { permits.release() }
      return try await transport.send(request, timeout: timeout, limit: limit)
    }
  }

  /// Bytes an embeddings reply may hold per input text (a 4096-dimension vector in JSON is
  /// about 90 KB), plus `OpenAIEndpoint.replySlackBytes`.
  static let embeddingReplyBytesPerText = 256 * 1024

  /// The setting named when a chat reply is too large.
  static let replySetting = "max_reply_bytes of the llm/reasoner section; by default 16 bytes per max_tokens + 64 KiB"

  /// The limit of a chat reply for `request`.
  func replyLimit(_ request: ChatRequest) -> BodyLimit {
    BodyLimit(bytes: endpoint.replyLimit(maxTokens: request.maxTokens), setting: Self.replySetting)
  }

  /// Refuses a chat request whose messages hold more than `endpoint.maxPromptBytes` bytes.
  func checkPromptSize(_ request: ChatRequest) throws(OpenAIError) {
    let bytes = request.messages.reduce(0) { $0 + $1.content.utf8.count }
    guard bytes <= endpoint.maxPromptBytes else {
      throw .invalidRequest(
        "the prompt holds \(bytes) bytes after truncation to the prompt budget, more than the limit of "
          + "\(endpoint.maxPromptBytes) (max_prompt_bytes of the llm/reasoner section)")
    }
  }

  /// Decodes a 2xx body, or throws `malformedResponse` quoting the start of the body.
  func decode<T: Decodable>(_ type: T.Type, from data: Data, path: String) throws -> T {
    do {
      return try JSONDecoder().decode(type, from: data)
    } catch {
      let excerpt = String(decoding: data.prefix(200), as: UTF8.self)
      throw OpenAIError.malformedResponse(
        reason: "the body is not a valid \(path) response (\(error)); body starts: \(excerpt)",
        url: (try? endpoint.url(path).absoluteString) ?? endpoint.baseURL)
    }
  }

  /// Runs a call, counting a failure in `usage` when it throws (cancellation is not a failure).
  func metered<T>(_ call: () async throws -> T) async throws -> T {
    do {
      return try await call()
    } catch {
      if error as? OpenAIError != .cancelled { usage.recordFailure() }
      throw error
    }
  }
}

import Foundation

/// Where and how to reach an OpenAI-compatible server (llama.cpp's llama-server, vLLM, OpenAI...).
///
/// Decoding accepts partial configurations: only `baseURL` and `model` are required, every other
/// field falls back to the default shown on `init`.
public struct OpenAIEndpoint: Sendable, Codable, Equatable {
  /// The API root including the version path, e.g. `http://127.0.0.1:18431/v1`.
  public var baseURL: String
  /// The model name sent with every request unless a request overrides it.
  public var model: String
  /// Sent as `Authorization: Bearer <apiKey>` when present.
  public var apiKey: String?
  /// Seconds allowed for one attempt of a call, from connecting to the last byte of the body
  /// (a streamed body included).
  public var timeout: Double
  /// Retries after the first attempt for 429, 5xx, timeouts and connection errors.
  public var maxRetries: Int
  /// The most HTTP requests of this client in flight at once (shared by all calls).
  public var concurrency: Int
  /// First backoff delay in seconds; attempt `n` waits about `retryBaseDelay * 2^n` (capped at 8 s).
  public var retryBaseDelay: Double
  /// Texts per embeddings request.
  public var embeddingBatchSize: Int
  /// The largest chat reply accepted, in bytes: the body of a whole reply, or the text (answer
  /// and reasoning) of a streamed one. nil: `replyLimit(maxTokens:)` scales it from the request's
  /// `max_tokens`.
  public var maxReplyBytes: Int?
  /// The longest line of an event stream, and the most data of one event, in bytes.
  public var maxLineBytes: Int
  /// The largest prompt (the UTF-8 bytes of every message's content) a chat request may send.
  public var maxPromptBytes: Int

  /// Bytes allowed per requested token when `maxReplyBytes` is nil: a generous bound for any
  /// tokeniser (a token is a few characters; JSON escaping at most sextuples one).
  public static let replyBytesPerToken = 16
  /// Bytes added to the scaled reply limit for the JSON envelope (ids, usage, timings).
  public static let replySlackBytes = 64 * 1024
  /// The default of `maxLineBytes` (1 MiB).
  public static let defaultMaxLineBytes = 1 << 20
  /// The default of `maxPromptBytes` (1 MiB).
  public static let defaultMaxPromptBytes = 1 << 20

  /// Creates an endpoint description.
  public init(
    baseURL: String, model: String, apiKey: String? = nil, timeout: Double = 120, maxRetries: Int = 3,
    concurrency: Int = 4, retryBaseDelay: Double = 0.5, embeddingBatchSize: Int = 64, maxReplyBytes: Int? = nil,
    maxLineBytes: Int = OpenAIEndpoint.defaultMaxLineBytes, maxPromptBytes: Int = OpenAIEndpoint.defaultMaxPromptBytes
  ) {
    self.baseURL = baseURL
    self.model = model
    self.apiKey = apiKey
    self.timeout = timeout
    self.maxRetries = maxRetries
    self.concurrency = concurrency
    self.retryBaseDelay = retryBaseDelay
    self.embeddingBatchSize = embeddingBatchSize
    self.maxReplyBytes = maxReplyBytes
    self.maxLineBytes = maxLineBytes
    self.maxPromptBytes = maxPromptBytes
  }

  private enum CodingKeys: String, CodingKey {
    case baseURL, model, apiKey, timeout, maxRetries, concurrency, retryBaseDelay, embeddingBatchSize
    case maxReplyBytes, maxLineBytes, maxPromptBytes
  }

  /// Decodes an endpoint; missing optional fields take their defaults.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let defaults = OpenAIEndpoint(baseURL: "", model: "")
    self.init(
      baseURL: try c.decode(String.self, forKey: .baseURL),
      model: try c.decode(String.self, forKey: .model),
      apiKey: try c.decodeIfPresent(String.self, forKey: .apiKey),
      timeout: try c.decodeIfPresent(Double.self, forKey: .timeout) ?? defaults.timeout,
      maxRetries: try c.decodeIfPresent(Int.self, forKey: .maxRetries) ?? defaults.maxRetries,
      concurrency: try c.decodeIfPresent(Int.self, forKey: .concurrency) ?? defaults.concurrency,
      retryBaseDelay: try c.decodeIfPresent(Double.self, forKey: .retryBaseDelay) ?? defaults.retryBaseDelay,
      embeddingBatchSize: try c.decodeIfPresent(Int.self, forKey: .embeddingBatchSize)
        ?? defaults.embeddingBatchSize,
      maxReplyBytes: try c.decodeIfPresent(Int.self, forKey: .maxReplyBytes),
      maxLineBytes: try c.decodeIfPresent(Int.self, forKey: .maxLineBytes) ?? defaults.maxLineBytes,
      maxPromptBytes: try c.decodeIfPresent(Int.self, forKey: .maxPromptBytes) ?? defaults.maxPromptBytes)
  }

  /// The reply limit of a request for `maxTokens` tokens: `maxReplyBytes`, or
  /// `replyBytesPerToken * maxTokens + replySlackBytes` when that is nil.
  public func replyLimit(maxTokens: Int) -> Int {
    maxReplyBytes ?? Self.replyBytesPerToken * max(1, maxTokens) + Self.replySlackBytes
  }

  /// The idle timeout URLSession is given: `timeout` rounded up to whole seconds, because libcurl
  /// truncates it (0.5 s would mean "no time at all"); every call also enforces the exact
  /// `timeout` as a total deadline.
  var transportTimeout: Double { max(1, timeout.rounded(.up)) }

  /// The URL of an API path below `baseURL` (e.g. `chat/completions`).
  func url(_ path: String) throws(OpenAIError) -> URL {
    var base = baseURL
    while base.hasSuffix("/") { base.removeLast() }
    guard let url = URL(string: base + "/" + path), url.scheme == "http" || url.scheme == "https",
      url.host != nil
    else {
      throw .invalidRequest("base URL '\(baseURL)' is not an http(s) URL")
    }
    return url
  }
}

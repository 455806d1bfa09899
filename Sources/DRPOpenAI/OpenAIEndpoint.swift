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
  /// Seconds allowed for one attempt of a non-streaming call; for streams, the longest silence
  /// allowed between two chunks.
  public var timeout: Double
  /// Retries after the first attempt for 429, 5xx, timeouts and connection errors.
  public var maxRetries: Int
  /// The most HTTP requests of this client in flight at once (shared by all calls).
  public var concurrency: Int
  /// First backoff delay in seconds; attempt `n` waits about `retryBaseDelay * 2^n` (capped at 8 s).
  public var retryBaseDelay: Double
  /// Texts per embeddings request.
  public var embeddingBatchSize: Int

  /// Creates an endpoint description.
  public init(
    baseURL: String, model: String, apiKey: String? = nil, timeout: Double = 120, maxRetries: Int = 3,
    concurrency: Int = 4, retryBaseDelay: Double = 0.5, embeddingBatchSize: Int = 64
  ) {
    self.baseURL = baseURL
    self.model = model
    self.apiKey = apiKey
    self.timeout = timeout
    self.maxRetries = maxRetries
    self.concurrency = concurrency
    self.retryBaseDelay = retryBaseDelay
    self.embeddingBatchSize = embeddingBatchSize
  }

  private enum CodingKeys: String, CodingKey {
    case baseURL, model, apiKey, timeout, maxRetries, concurrency, retryBaseDelay, embeddingBatchSize
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
        ?? defaults.embeddingBatchSize)
  }

  /// The idle timeout of a request (the longest silence a stream may have): `timeout` rounded up
  /// to whole seconds, because libcurl (URLSession) truncates it (0.5 s would mean "no time at
  /// all"); non-streaming calls enforce the exact `timeout` as a total deadline.
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

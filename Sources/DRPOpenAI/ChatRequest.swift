import DRPCore

/// A chat-completions request.
public struct ChatRequest: Sendable, Equatable {
  /// The conversation so far.
  public var messages: [ChatMessage]
  /// Overrides the endpoint's model when set.
  public var model: String?
  /// Upper bound on generated tokens (`max_tokens`), reasoning included.
  public var maxTokens: Int
  /// Sampling temperature.
  public var temperature: Double
  /// Nucleus sampling (`top_p`), omitted when nil.
  public var topP: Double?
  /// Sampling seed, omitted when nil.
  public var seed: Int?
  /// Stop sequences, omitted when nil.
  public var stop: [String]?
  /// Constrains the answer to JSON (`response_format`), omitted when nil.
  public var responseFormat: ResponseFormat?
  /// Further body parameters, merged last (they override the fields above).
  public var extra: [String: JSONValue]

  /// Creates a request.
  public init(
    messages: [ChatMessage], model: String? = nil, maxTokens: Int = 512, temperature: Double = 0.7,
    topP: Double? = nil, seed: Int? = nil, stop: [String]? = nil, responseFormat: ResponseFormat? = nil,
    extra: [String: JSONValue] = [:]
  ) {
    self.messages = messages
    self.model = model
    self.maxTokens = maxTokens
    self.temperature = temperature
    self.topP = topP
    self.seed = seed
    self.stop = stop
    self.responseFormat = responseFormat
    self.extra = extra
  }

  /// The JSON body for `chat/completions`.
  func body(defaultModel: String, stream: Bool) -> [String: JSONValue] {
    var body: [String: JSONValue] = [
      "model": .string(model ?? defaultModel),
      "messages": .array(
        messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
      "max_tokens": .int(Int64(maxTokens)),
      "temperature": .double(temperature),
    ]
    if let topP { body["top_p"] = .double(topP) }
    if let seed { body["seed"] = .int(Int64(seed)) }
    if let stop { body["stop"] = .array(stop.map { .string($0) }) }
    if let responseFormat { body["response_format"] = responseFormat.json }
    if stream {
      body["stream"] = .bool(true)
      body["stream_options"] = .object(["include_usage": .bool(true)])
    }
    body.merge(extra) { _, new in new }
    return body
  }
}

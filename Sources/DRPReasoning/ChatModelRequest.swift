import DRPCore
import DRPOpenAI
import Foundation

/// One request to a `ChatModel`: rendered messages plus sampling parameters and, optionally, the
/// JSON shape the answer must have.
///
/// Its sorted-key JSON encoding is what `LLMCacheKey` digests: `response_format` and `top_p` appear
/// only when set, so keys of requests without them are the same as before the fields existed.
public struct ChatModelRequest: Codable, Hashable, Sendable {
  /// The chat messages, system first.
  public var messages: [PromptMessage]
  /// Upper bound on generated tokens, reasoning included.
  public var maxTokens: Int
  /// Sampling temperature.
  public var temperature: Double
  /// Nucleus sampling (`top_p`); nil: not sent.
  public var topP: Double?
  /// Sampling seed (distinguishes self-consistency samples and retries).
  public var seed: Int
  /// Constrains the answer to JSON (`response_format`); nil: free text.
  public var responseFormat: ResponseFormat?

  /// Creates a request.
  public init(
    messages: [PromptMessage], maxTokens: Int, temperature: Double, topP: Double? = nil, seed: Int,
    responseFormat: ResponseFormat? = nil
  ) {
    self.messages = messages
    self.maxTokens = maxTokens
    self.temperature = temperature
    self.topP = topP
    self.seed = seed
    self.responseFormat = responseFormat
  }

  /// The request as the JSON its `Encodable` conformance writes (same members, same optional
  /// members left out), for writing it without `JSONEncoder`.
  public var json: JSONValue {
    var members: [String: JSONValue] = [
      "messages": .array(messages.map { .object(["role": .string($0.role), "content": .string($0.content)]) }),
      "max_tokens": .int(Int64(maxTokens)), "temperature": .double(temperature), "seed": .int(Int64(seed)),
    ]
    if let topP { members["top_p"] = .double(topP) }
    if let responseFormat { members["response_format"] = responseFormat.json }
    return .object(members)
  }

  private enum CodingKeys: String, CodingKey {
    case messages, seed, temperature
    case topP = "top_p"
    case maxTokens = "max_tokens"
    case responseFormat = "response_format"
  }
}

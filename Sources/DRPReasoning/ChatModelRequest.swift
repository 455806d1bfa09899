import Foundation

/// One request to a `ChatModel`: rendered messages plus sampling parameters.
public struct ChatModelRequest: Codable, Hashable, Sendable {
  /// The chat messages, system first.
  public var messages: [PromptMessage]
  /// Upper bound on generated tokens, reasoning included.
  public var maxTokens: Int
  /// Sampling temperature.
  public var temperature: Double
  /// Sampling seed (distinguishes self-consistency samples and retries).
  public var seed: Int

  /// Creates a request.
  public init(messages: [PromptMessage], maxTokens: Int, temperature: Double, seed: Int) {
    self.messages = messages
    self.maxTokens = maxTokens
    self.temperature = temperature
    self.seed = seed
  }

  private enum CodingKeys: String, CodingKey {
    case messages, seed, temperature
    case maxTokens = "max_tokens"
  }
}

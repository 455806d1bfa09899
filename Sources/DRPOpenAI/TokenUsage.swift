/// Token counts a server reported for one call.
public struct TokenUsage: Sendable, Codable, Equatable {
  /// Tokens in the prompt (or the embedded texts).
  public var promptTokens: Int
  /// Tokens generated.
  public var completionTokens: Int
  /// Both together, as reported (or computed when the server omits it).
  public var totalTokens: Int

  /// Creates a usage record.
  public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil) {
    self.promptTokens = promptTokens
    self.completionTokens = completionTokens
    self.totalTokens = totalTokens ?? promptTokens + completionTokens
  }
}

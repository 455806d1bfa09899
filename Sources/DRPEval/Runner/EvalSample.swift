// One generated held-out review with its reference.
import DRPReasoning

/// A finished generation: who, which item, which mode, what was generated and what the user really
/// wrote. Listed in full in the JSON report so the metrics can be recomputed with other tools.
public struct EvalSample: Sendable, Codable, Equatable {
  /// The user.
  public var user: String
  /// The reviewed item.
  public var item: String
  /// The pipeline mode that generated `prediction`.
  public var mode: PipelineMode
  /// Row id of the held-out review.
  public var reviewID: Int64
  /// The generated review text.
  public var prediction: String
  /// The held-out review text.
  public var reference: String
  /// LLM requests made for this sample when it was generated.
  public var llmCalls: Int
  /// Tokens of those requests.
  public var tokens: Int
  /// Wall time of the generation in seconds.
  public var seconds: Double
  /// LLM requests of the reasoning stages (profile building) among `llmCalls`.
  public var reasoningCalls: Int
  /// Tokens of those requests.
  public var reasoningTokens: Int
  /// Answers of this sample's requests that stopped at their `max_tokens` (`finish_reason: length`).
  public var truncated: Int

  /// Creates a sample.
  public init(
    user: String, item: String, mode: PipelineMode, reviewID: Int64, prediction: String, reference: String,
    llmCalls: Int, tokens: Int, seconds: Double, reasoningCalls: Int = 0, reasoningTokens: Int = 0, truncated: Int = 0
  ) {
    self.user = user
    self.item = item
    self.mode = mode
    self.reviewID = reviewID
    self.prediction = prediction
    self.reference = reference
    self.llmCalls = llmCalls
    self.tokens = tokens
    self.seconds = seconds
    self.reasoningCalls = reasoningCalls
    self.reasoningTokens = reasoningTokens
    self.truncated = truncated
  }

  private enum CodingKeys: String, CodingKey {
    case user, item, mode, reviewID, prediction, reference, llmCalls, tokens, seconds, reasoningCalls, reasoningTokens
    case truncated
  }

  /// Decodes a sample; the reasoning and truncation counts of samples saved before they were recorded
  /// read as 0.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    user = try c.decode(String.self, forKey: .user)
    item = try c.decode(String.self, forKey: .item)
    mode = try c.decode(PipelineMode.self, forKey: .mode)
    reviewID = try c.decode(Int64.self, forKey: .reviewID)
    prediction = try c.decode(String.self, forKey: .prediction)
    reference = try c.decode(String.self, forKey: .reference)
    llmCalls = try c.decode(Int.self, forKey: .llmCalls)
    tokens = try c.decode(Int.self, forKey: .tokens)
    seconds = try c.decode(Double.self, forKey: .seconds)
    reasoningCalls = try c.decodeIfPresent(Int.self, forKey: .reasoningCalls) ?? 0
    reasoningTokens = try c.decodeIfPresent(Int.self, forKey: .reasoningTokens) ?? 0
    truncated = try c.decodeIfPresent(Int.self, forKey: .truncated) ?? 0
  }

  /// Identifies a sample: a user's held-out review in one mode.
  public struct Key: Hashable, Sendable {
    /// The user.
    public var user: String
    /// Row id of the held-out review.
    public var reviewID: Int64
    /// The mode.
    public var mode: PipelineMode
  }

  /// This sample's key.
  public var key: Key { Key(user: user, reviewID: reviewID, mode: mode) }
}

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

  /// Creates a sample.
  public init(
    user: String, item: String, mode: PipelineMode, reviewID: Int64, prediction: String, reference: String,
    llmCalls: Int, tokens: Int, seconds: Double
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

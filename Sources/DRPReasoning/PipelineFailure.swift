import Foundation

/// One LLM attempt whose output was not used, recorded in profile provenance.
public struct PipelineFailure: Codable, Hashable, Sendable {
  /// The stage (`extract`, `validate`, `synthesize`, `generate`).
  public var stage: String
  /// The key item the call was about (nil for synthesis and generation).
  public var itemID: String?
  /// The self-consistency sample index.
  public var sample: Int
  /// The attempt number, 0 for the first.
  public var attempt: Int
  /// Why the output was rejected.
  public var reason: String
  /// True when no attempt of this call succeeded, so its result was left out.
  public var final: Bool

  /// Creates a record.
  public init(stage: String, itemID: String?, sample: Int, attempt: Int, reason: String, final: Bool) {
    self.stage = stage
    self.itemID = itemID
    self.sample = sample
    self.attempt = attempt
    self.reason = reason
    self.final = final
  }

  private enum CodingKeys: String, CodingKey {
    case stage, sample, attempt, reason, final
    case itemID = "item_id"
  }
}

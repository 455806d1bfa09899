import Foundation

/// A difference profile with what it cost and what went wrong while building it.
public struct ProfileResult: Codable, Hashable, Sendable {
  /// The profile.
  public var profile: DifferenceProfile
  /// LLM calls and tokens per stage of the run that produced it (all zero when `reused`).
  public var stats: PipelineStats
  /// Rejected LLM attempts; `final` ones left a key sample or stage out.
  public var failures: [PipelineFailure]
  /// True when the profile was read from the store rather than built now.
  public var reused: Bool

  /// Creates a result.
  public init(
    profile: DifferenceProfile, stats: PipelineStats = PipelineStats(), failures: [PipelineFailure] = [],
    reused: Bool = false
  ) {
    self.profile = profile
    self.stats = stats
    self.failures = failures
    self.reused = reused
  }
}

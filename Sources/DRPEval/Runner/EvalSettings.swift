// What an evaluation was asked to do, recorded in its report.
import DRPReasoning

/// The evaluation's parameters and the population it drew users from.
public struct EvalSettings: Sendable, Codable, Equatable {
  /// Modes compared, in report order.
  public var modes: [PipelineMode]
  /// Users asked for (`--users`).
  public var requestedUsers: Int
  /// Seed of the user sample and of the bootstrap.
  public var seed: UInt64
  /// Minimum reviews of an eligible user.
  public var minReviews: Int
  /// Category restriction, if any.
  public var category: String?
  /// Users satisfying the split.
  public var eligibleUsers: Int
  /// Users evaluated (min of requested and eligible).
  public var evaluatedUsers: Int

  /// Creates settings.
  public init(
    modes: [PipelineMode], requestedUsers: Int, seed: UInt64, minReviews: Int, category: String?,
    eligibleUsers: Int, evaluatedUsers: Int
  ) {
    self.modes = modes
    self.requestedUsers = requestedUsers
    self.seed = seed
    self.minReviews = minReviews
    self.category = category
    self.eligibleUsers = eligibleUsers
    self.evaluatedUsers = evaluatedUsers
  }
}

// One evaluated user: the review held out for generation and how much history remains.
import DRPStore

/// A user chosen for evaluation with the review they must not be shown: generation is asked to write
/// `heldOut` (same item, rating and title) from the user's other reviews only.
public struct HeldOutCase: Sendable, Equatable {
  /// The user.
  public var userID: String
  /// The user's last review (by timestamp, then row id): the reference text.
  public var heldOut: Review
  /// Reviews of the user left as history (every other review of theirs).
  public var historyCount: Int

  /// Creates a case.
  public init(userID: String, heldOut: Review, historyCount: Int) {
    self.userID = userID
    self.heldOut = heldOut
    self.historyCount = historyCount
  }
}

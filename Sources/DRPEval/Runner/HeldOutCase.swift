// One evaluated user: the review held out for generation and how much history remains.
import DRPStore

/// A user chosen for evaluation with the review they must not be shown: generation is asked to write
/// `heldOut` (same item, rating and title) from the user's other reviews only.
public struct HeldOutCase: Sendable, Equatable {
  /// The user.
  public var userID: String
  /// The user's last review (by timestamp, then row id): the reference text.
  public var heldOut: Review
  /// Reviews of the user left as history (written before the held-out one).
  public var historyCount: Int
  /// The user's reviews written after the held-out one (only with a category or benchmark targets):
  /// hidden from the generation like the held-out review, so history ends where the target begins.
  public var hidden: [Int64]

  /// Creates a case.
  public init(userID: String, heldOut: Review, historyCount: Int, hidden: [Int64] = []) {
    self.userID = userID
    self.heldOut = heldOut
    self.historyCount = historyCount
    self.hidden = hidden
  }

  /// The held-out review and the hidden later ones: what no generation of the evaluation may see.
  public var excluded: [Int64] { [heldOut.id] + hidden }
}

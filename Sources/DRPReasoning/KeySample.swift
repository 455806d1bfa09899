import Foundation

/// One key sample: an item the target user reviewed, the user's review and comparable peers' reviews of it.
public struct KeySample: Hashable, Sendable {
  /// The key item.
  public var item: ItemInfo
  /// The target user's review of the item.
  public var userReview: ReviewSample
  /// Peers' reviews of the same item, most comparable first.
  public var peerReviews: [ReviewSample]

  /// Creates a key sample.
  public init(item: ItemInfo, userReview: ReviewSample, peerReviews: [ReviewSample]) {
    self.item = item
    self.userReview = userReview
    self.peerReviews = peerReviews
  }
}

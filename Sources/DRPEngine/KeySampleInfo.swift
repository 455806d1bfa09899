// A key sample as returned by `Engine.keySamples`.

/// One of the user's history items chosen as a key sample for a target item.
public struct KeySampleInfo: Sendable, Codable, Equatable {
  /// The history item.
  public var itemID: String
  /// The item's title ("" when unknown).
  public var title: String
  /// BM25 relevance of (review title + item description) to the target item's title + description.
  public var score: Double
  /// The user's review of the item.
  public var reviewID: Int64
  /// Users other than this one who reviewed the item.
  public var otherReviewers: Int

  /// Creates a key sample.
  public init(itemID: String, title: String, score: Double, reviewID: Int64, otherReviewers: Int) {
    self.itemID = itemID
    self.title = title
    self.score = score
    self.reviewID = reviewID
    self.otherReviewers = otherReviewers
  }

  enum CodingKeys: String, CodingKey {
    case title, score
    case itemID = "item_id"
    case reviewID = "review_id"
    case otherReviewers = "other_reviewers"
  }
}

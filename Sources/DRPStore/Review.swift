/// One review written by a user about an item.
public struct Review: Sendable, Codable, Equatable {
  /// Store row id (0 for a review not yet stored).
  public var id: Int64
  /// Author.
  public var userID: String
  /// Reviewed item.
  public var itemID: String
  /// Star rating, 0...5.
  public var rating: Double
  /// Review headline.
  public var title: String
  /// Review body.
  public var text: String
  /// Time of writing, milliseconds since 1970.
  public var timestamp: Int64
  /// Helpful votes received.
  public var helpfulVotes: Int
  /// Verified purchase.
  public var verified: Bool

  /// Creates a review.
  public init(
    id: Int64 = 0, userID: String, itemID: String, rating: Double, title: String, text: String, timestamp: Int64,
    helpfulVotes: Int = 0, verified: Bool = false
  ) {
    self.id = id
    self.userID = userID
    self.itemID = itemID
    self.rating = rating
    self.title = title
    self.text = text
    self.timestamp = timestamp
    self.helpfulVotes = helpfulVotes
    self.verified = verified
  }

  enum CodingKeys: String, CodingKey {
    case id, rating, title, text, timestamp, verified
    case userID = "user_id"
    case itemID = "item_id"
    case helpfulVotes = "helpful_votes"
  }
}

/// A reviewer.
public struct User: Sendable, Codable, Equatable {
  /// The user's id in the source data (e.g. Amazon `user_id`).
  public var id: String
  /// Number of reviews the user wrote.
  public var reviewCount: Int

  /// Creates a user.
  public init(id: String, reviewCount: Int) {
    self.id = id
    self.reviewCount = reviewCount
  }

  enum CodingKeys: String, CodingKey {
    case id
    case reviewCount = "review_count"
  }
}

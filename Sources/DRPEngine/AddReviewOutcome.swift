// What `Engine.addReview` did.

/// The outcome of ``Engine/addReview(_:)``.
public struct AddReviewOutcome: Sendable, Codable, Equatable {
  /// The stored review's id (nil for a duplicate).
  public var reviewID: Int64?
  /// Whether an identical review already existed (nothing changed).
  public var duplicate: Bool
  /// Whether the review was embedded and the user's vector updated in the index.
  public var indexed: Bool
  /// Why the review was not indexed, if it was not.
  public var note: String?

  enum CodingKeys: String, CodingKey {
    case duplicate, indexed, note
    case reviewID = "review_id"
  }
}

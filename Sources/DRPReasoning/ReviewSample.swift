import Foundation

/// One review as the reasoning layer sees it: plain values, independent of any store.
public struct ReviewSample: Codable, Hashable, Sendable {
  /// Stable review id (the store's row id).
  public var id: Int64
  /// The author of the review.
  public var userID: String
  /// The reviewed item.
  public var itemID: String
  /// Star rating, usually 1...5.
  public var rating: Double
  /// Review title (may be empty).
  public var title: String
  /// Review body.
  public var text: String
  /// Unix time in seconds (0 when unknown).
  public var timestamp: Int64
  /// The reviewed item's title and description, when the prompt shows them with the review (the
  /// paper preset's past reviews); nil otherwise.
  public var item: ItemInfo?

  /// Creates a review sample.
  public init(
    id: Int64, userID: String, itemID: String, rating: Double, title: String, text: String, timestamp: Int64 = 0,
    item: ItemInfo? = nil
  ) {
    self.id = id
    self.userID = userID
    self.itemID = itemID
    self.rating = rating
    self.title = title
    self.text = text
    self.timestamp = timestamp
    self.item = item
  }
}

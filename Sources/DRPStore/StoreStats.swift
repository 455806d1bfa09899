/// Row counts of the store.
public struct StoreStats: Sendable, Codable, Equatable {
  /// Users.
  public var users: Int
  /// Items.
  public var items: Int
  /// Reviews.
  public var reviews: Int

  /// Creates counts.
  public init(users: Int, items: Int, reviews: Int) {
    self.users = users
    self.items = items
    self.reviews = reviews
  }
}

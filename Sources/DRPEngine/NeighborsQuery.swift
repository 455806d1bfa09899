/// One query of ``Engine/neighbors(batch:)``: the `k` nearest ids to an indexed id (which is
/// excluded from its own result) or to a vector, optionally among an item's reviewers.
public struct NeighborsQuery: Sendable, Equatable {
  /// What to search from.
  public enum Target: Sendable, Equatable {
    /// The stored vector of an id of the index (a user, or a row of a vector file).
    case id(String)
    /// A vector of the index's dimension.
    case vector([Float])
  }

  /// What to search from.
  public var target: Target
  /// Number of results wanted (at least 1).
  public var k: Int
  /// Only reviewers of this item are returned.
  public var item: String?

  /// Creates a query.
  public init(_ target: Target, k: Int, item: String? = nil) {
    self.target = target
    self.k = k
    self.item = item
  }
}

// The target a profile is built for.

/// The target of a target-conditioned profile (`pipeline.profile_scope` `target`): the item the
/// review is to be written about and, when known, the review's title (both are the key-sample query).
public struct ProfileTarget: Sendable, Hashable, Codable {
  /// The target item.
  public var itemID: String
  /// The target review's title, when known.
  public var title: String?

  /// A target.
  public init(itemID: String, title: String? = nil) {
    self.itemID = itemID
    self.title = title
  }
}

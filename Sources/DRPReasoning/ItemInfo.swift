import Foundation

/// The item being reviewed: what the prompts show about it.
public struct ItemInfo: Codable, Hashable, Sendable {
  /// Item id (e.g. the ASIN).
  public var id: String
  /// Product title.
  public var title: String
  /// Product description (may be empty).
  public var description: String

  /// Creates an item description.
  public init(id: String, title: String, description: String = "") {
    self.id = id
    self.title = title
    self.description = description
  }
}

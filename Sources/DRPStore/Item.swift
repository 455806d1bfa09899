/// A reviewed product.
public struct Item: Sendable, Codable, Equatable {
  /// The item's id (Amazon `parent_asin`).
  public var id: String
  /// Product title ("" when unknown).
  public var title: String
  /// Product description; several paragraphs are joined with newlines.
  public var description: String
  /// Category path, most general first.
  public var categories: [String]
  /// Main category ("" when unknown).
  public var mainCategory: String
  /// Every other metadata field of the source line, as a JSON object text ("{}" when none).
  public var metadataJSON: String

  /// Creates an item.
  public init(
    id: String, title: String = "", description: String = "", categories: [String] = [], mainCategory: String = "",
    metadataJSON: String = "{}"
  ) {
    self.id = id
    self.title = title
    self.description = description
    self.categories = categories
    self.mainCategory = mainCategory
    self.metadataJSON = metadataJSON
  }

  enum CodingKeys: String, CodingKey {
    case id, title, description, categories
    case mainCategory = "main_category"
    case metadataJSON = "metadata"
  }
}

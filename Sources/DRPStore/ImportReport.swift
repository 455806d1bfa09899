// The outcome of an import.

/// Why an input line was skipped.
public enum SkipReason: String, Sendable, Codable, CaseIterable {
  /// Not a JSON object (including a truncated last line).
  case invalidJSON = "invalid_json"
  /// A review line without a user id.
  case missingUser = "missing_user"
  /// A line without an item id.
  case missingItem = "missing_item"
  /// A field of the wrong JSON type (e.g. a numeric user id, a text that is an object).
  case wrongType = "wrong_type"
  /// A rating missing, not a number, NaN, or outside 0...5.
  case badRating = "bad_rating"
}

/// Counts of what an import did.
public struct ImportReport: Sendable, Codable, Equatable {
  /// Files read.
  public var files = 0
  /// Non-blank lines read.
  public var lines = 0
  /// New users.
  public var usersAdded = 0
  /// New items (from metadata or bare items created for reviews).
  public var itemsAdded = 0
  /// Item metadata lines applied.
  public var itemMetadata = 0
  /// New reviews.
  public var reviewsAdded = 0
  /// Review lines already stored (same user, item, timestamp and text).
  public var duplicates = 0
  /// Skipped lines by reason (`SkipReason` raw values).
  public var skipped: [String: Int] = [:]
  /// Wall-clock seconds.
  public var seconds = 0.0

  /// An empty report.
  public init() {}

  /// Total skipped lines.
  public var skippedTotal: Int { skipped.values.reduce(0, +) }

  enum CodingKeys: String, CodingKey {
    case files, lines, duplicates, skipped, seconds
    case usersAdded = "users_added"
    case itemsAdded = "items_added"
    case itemMetadata = "item_metadata"
    case reviewsAdded = "reviews_added"
  }
}

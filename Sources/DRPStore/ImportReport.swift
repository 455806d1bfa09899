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
  /// A user or item id longer than 256 bytes or with control characters.
  case badID = "bad_id"
  /// A timestamp negative, fractional or after the year 9999.
  case badTimestamp = "bad_timestamp"
  /// A review text or title longer than `store.max_text_bytes` / `store.max_title_bytes`.
  case textTooLong = "text_too_long"
  /// A review whose text and title are both empty or blank.
  case missingText = "missing_text"
  /// A top-level key appearing twice in the line (which value counts would be a guess).
  case duplicateKey = "duplicate_key"
}

/// How a line was repaired instead of skipped.
public enum RepairReason: String, Sendable, Codable, CaseIterable {
  /// Invalid UTF-8 bytes or unpaired `\u` surrogate escapes were replaced by U+FFFD.
  case invalidUTF8 = "invalid_utf8"
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
  /// Lines imported after a repair, by reason (`RepairReason` raw values).
  public var repaired: [String: Int] = [:]
  /// Bytes after the end of a gzip stream that were not gzip data (ignored, with a warning).
  public var trailingBytes = 0
  /// Wall-clock seconds.
  public var seconds = 0.0

  /// An empty report.
  public init() {}

  /// Total skipped lines.
  public var skippedTotal: Int { skipped.values.reduce(0, +) }
  /// Total repaired lines.
  public var repairedTotal: Int { repaired.values.reduce(0, +) }

  enum CodingKeys: String, CodingKey {
    case files, lines, duplicates, skipped, repaired, seconds
    case trailingBytes = "trailing_bytes"
    case usersAdded = "users_added"
    case itemsAdded = "items_added"
    case itemMetadata = "item_metadata"
    case reviewsAdded = "reviews_added"
  }
}

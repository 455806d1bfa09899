// One input line after parsing, ready to be written by the importer.

/// What one JSONL line holds once parsed (off the writer thread): a review, item metadata, a
/// blank line, or the reason it is skipped.
enum ParsedLine: Sendable {
  /// A review with its user and item ids.
  struct ReviewRow: Sendable {
    var user: String
    var item: String
    var rating: Double
    var title: String
    var text: String
    var timestamp: Int64
    var helpful: Int64
    var verified: Bool
    var textHash: Int64
    /// The line number when invalid UTF-8 was replaced to read the line (counted as a repair).
    var repairedAt: Int?
  }

  /// Item metadata (a `meta_*` line or a line without review fields).
  struct ItemRow: Sendable {
    var id: String
    var title: String
    var description: String
    var categoriesJSON: String
    var mainCategory: String
    var metadataJSON: String
    /// The line number when invalid UTF-8 was replaced to read the line (counted as a repair).
    var repairedAt: Int?
  }

  case blank
  case review(ReviewRow)
  case item(ItemRow)
  case bad(reason: SkipReason, detail: String, number: Int)
}

// The one validation rule of a review, shared by the JSONL importer and the server's `reviews.add`.
import DRPCore

/// What every stored review obeys, whichever way it arrives (`drp import` or `reviews.add`):
///
/// - `user` and `item` ids: non-empty, at most `maxIDBytes` UTF-8 bytes, no control characters;
/// - `rating`: a finite number in 0...5;
/// - `timestamp`: a whole, non-negative number of milliseconds since 1970, at most
///   `maxTimestamp` (year 9999); values from 1 to 99,999,999,999 are seconds and are multiplied
///   by 1000 (a millisecond value that small would be before March 1973); 0 means unknown;
/// - `title` at most `maxTitleBytes` and `text` at most `maxTextBytes` UTF-8 bytes, and at least
///   one of them not blank (the embedder reads title and text together).
///
/// JSON-level conditions are the callers': valid UTF-8 and no duplicate keys (the JSON-RPC
/// parser rejects both; the importer rejects a line with a repeated top-level key and replaces
/// invalid UTF-8, counting the repair).
public struct ReviewRule: Sendable, Equatable {
  /// The longest review text in UTF-8 bytes (`store.max_text_bytes`).
  public var maxTextBytes: Int
  /// The longest review title in UTF-8 bytes (`store.max_title_bytes`).
  public var maxTitleBytes: Int

  /// The longest user or item id in UTF-8 bytes.
  public static let maxIDBytes = 256
  /// Timestamps below this are seconds (multiplied by 1000).
  public static let secondsBelow: Int64 = 100_000_000_000
  /// The latest timestamp accepted: 9999-12-31T23:59:59.999Z in milliseconds.
  public static let maxTimestamp: Int64 = 253_402_300_799_999

  /// A rule with the given text limits (defaults: those of `StoreConfig`).
  public init(maxTextBytes: Int = StoreConfig().maxTextBytes, maxTitleBytes: Int = StoreConfig().maxTitleBytes) {
    self.maxTextBytes = maxTextBytes
    self.maxTitleBytes = maxTitleBytes
  }

  /// The rule of a configuration's `store` section.
  public init(config: StoreConfig) { self.init(maxTextBytes: config.maxTextBytes, maxTitleBytes: config.maxTitleBytes) }

  /// A value that breaks the rule.
  public struct Violation: Error, Equatable, CustomStringConvertible {
    /// The review field (`user`, `item`, `rating`, `title`, `text`, `timestamp`), as `reviews.add` names it.
    public var field: String
    /// The importer's skip reason for it.
    public var reason: SkipReason
    /// What is wrong, e.g. "must be between 0 and 5, got 7".
    public var problem: String

    /// "field problem".
    public var description: String { "\(field) \(problem)" }
  }

  /// Checks a user (`field` "user") or item (`field` "item") id.
  public func id(_ value: String, field: String) throws(Violation) -> String {
    guard !value.isEmpty else {
      throw Violation(field: field, reason: field == "user" ? .missingUser : .missingItem, problem: "must not be empty")
    }
    guard value.utf8.count <= Self.maxIDBytes else {
      throw Violation(
        field: field, reason: .badID, problem: "must be at most \(Self.maxIDBytes) bytes, got \(value.utf8.count)")
    }
    guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
      throw Violation(field: field, reason: .badID, problem: "must not contain control characters")
    }
    return value
  }

  /// Checks a rating.
  public func rating(_ value: Double) throws(Violation) -> Double {
    guard value.isFinite, (0...5).contains(value) else {
      throw Violation(field: "rating", reason: .badRating, problem: "must be between 0 and 5, got \(value)")
    }
    return value
  }

  /// The timestamp in milliseconds for a number read as one (seconds converted, see the type).
  public func timestamp(_ value: Double) throws(Violation) -> Int64 {
    func bad(_ problem: String) -> Violation { Violation(field: "timestamp", reason: .badTimestamp, problem: problem) }
    guard value.isFinite, value == value.rounded(.towardZero) else {
      throw bad("must be a whole number of milliseconds (or seconds), got \(value)")
    }
    let shown = abs(value) < 1e18 ? String(Int64(value)) : "\(value)"
    guard value >= 0 else { throw bad("must not be negative, got \(shown)") }
    guard value <= Double(Self.maxTimestamp) else {
      throw bad("must be at most \(Self.maxTimestamp) (year 9999 in milliseconds), got \(shown)")
    }
    let whole = Int64(value)
    return whole < Self.secondsBelow ? whole * 1000 : whole
  }

  /// Checks the title and text lengths and that the review says something.
  public func texts(title: String, text: String) throws(Violation) {
    guard title.utf8.count <= maxTitleBytes else {
      throw Violation(
        field: "title", reason: .textTooLong,
        problem: "must be at most \(maxTitleBytes) bytes (store.max_title_bytes), got \(title.utf8.count)")
    }
    guard text.utf8.count <= maxTextBytes else {
      throw Violation(
        field: "text", reason: .textTooLong,
        problem: "must be at most \(maxTextBytes) bytes (store.max_text_bytes), got \(text.utf8.count)")
    }
    guard !Self.isBlank(text) || !Self.isBlank(title) else {
      throw Violation(field: "text", reason: .missingText, problem: "must not be empty (nor the title)")
    }
  }

  private static func isBlank(_ text: String) -> Bool { text.unicodeScalars.allSatisfy(\.properties.isWhitespace) }
}

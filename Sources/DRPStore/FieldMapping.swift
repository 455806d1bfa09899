// Which JSON keys of an input line hold which review fields.

/// A `--map` specification that cannot be used.
public struct FieldMappingError: Error, CustomStringConvertible {
  /// What is wrong, for the user.
  public let description: String
}

/// Source keys for each review field. Several keys may be listed for one field; the first present wins.
public struct FieldMapping: Sendable, Equatable {
  /// Author id keys.
  public var user = ["user_id"]
  /// Item id keys.
  public var item = ["parent_asin", "asin"]
  /// Star rating keys.
  public var rating = ["rating"]
  /// Headline keys.
  public var title = ["title"]
  /// Body keys.
  public var text = ["text"]
  /// Timestamp keys (milliseconds; values below 10^11 are taken as seconds).
  public var timestamp = ["timestamp"]
  /// Helpful-vote keys.
  public var helpful = ["helpful_vote"]
  /// Verified-purchase keys.
  public var verified = ["verified_purchase"]

  /// The Amazon Reviews 2023 layout.
  public init() {}

  /// The field names `--map` accepts.
  public static let fieldNames = ["user", "item", "rating", "title", "text", "timestamp", "helpful", "verified"]

  /// The Amazon 2023 layout with fields overridden by `spec`, e.g. `user=reviewerID,item=asin,text=reviewText`.
  /// `field=a|b` lists alternatives.
  /// - Throws: `FieldMappingError` for an unknown field or an entry without `=`.
  public init(spec: String) throws {
    self.init()
    for entry in spec.split(separator: ",") {
      let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
      guard parts.count == 2, !parts[1].isEmpty else {
        throw FieldMappingError(description: "invalid --map entry '\(entry)': expected field=key")
      }
      let keys = parts[1].split(separator: "|").map(String.init)
      switch parts[0] {
      case "user": user = keys
      case "item": item = keys
      case "rating": rating = keys
      case "title": title = keys
      case "text": text = keys
      case "timestamp": timestamp = keys
      case "helpful": helpful = keys
      case "verified": verified = keys
      default:
        throw FieldMappingError(
          description: "unknown --map field '\(parts[0])'; known: \(Self.fieldNames.joined(separator: ", "))")
      }
    }
  }
}

extension String {
  fileprivate var trimmingSpaces: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}

// One line of the DPL benchmark (DPL-main / DPL-meta exported as JSON lines), parsed without the store.
import DRPCore
import Foundation

/// A review as the DPL benchmark stores it (`{user_id, asin, title, text, rating, timestamp}`).
public struct DPLReview: Sendable, Equatable {
  /// Author.
  public var userID: String
  /// Reviewed item (`asin`).
  public var itemID: String
  /// Review headline.
  public var title: String
  /// Review body.
  public var text: String
  /// Star rating, 0...5.
  public var rating: Double
  /// Milliseconds since 1970 (values below 10^11 are read as seconds and converted).
  public var timestamp: Int64

  /// Creates a review.
  public init(userID: String, itemID: String, title: String, text: String, rating: Double, timestamp: Int64) {
    self.userID = userID
    self.itemID = itemID
    self.title = title
    self.text = text
    self.rating = rating
    self.timestamp = timestamp
  }
}

/// A DPL-main row: one user's history (`profile`, in time order) and the review to predict (`data`).
public struct DPLMainRow: Sendable, Equatable {
  /// The user.
  public var userID: String
  /// The user's past reviews.
  public var profile: [DPLReview]
  /// The held-out review.
  public var target: DPLReview

  /// Creates a row.
  public init(userID: String, profile: [DPLReview], target: DPLReview) {
    self.userID = userID
    self.profile = profile
    self.target = target
  }
}

/// A DPL-meta row: an item's title and description.
public struct DPLMetaRow: Sendable, Equatable {
  /// The item (`asin`).
  public var itemID: String
  /// Item title.
  public var title: String
  /// Item description (a list of strings is joined with spaces, as the benchmark builds it).
  public var description: String

  /// Creates a row.
  public init(itemID: String, title: String, description: String) {
    self.itemID = itemID
    self.title = title
    self.description = description
  }
}

/// What one DPL line holds.
public enum DPLLine: Sendable, Equatable {
  /// A DPL-main row (it has `profile` and `data`).
  case main(DPLMainRow)
  /// A DPL-meta row (it has `asin` and no `profile`/`data`).
  case meta(DPLMetaRow)
}

/// Why a DPL line cannot be used.
public struct DPLRowError: Error, Equatable, CustomStringConvertible {
  /// Why a line is rejected (also the import report's skip keys; the reasons shared with the JSONL
  /// importer have its spelling, ``SkipReason``).
  public enum Reason: String, Sendable, Codable, CaseIterable {
    /// Not a JSON object.
    case invalidJSON = "invalid_json"
    /// A required field is absent or null, or an id is empty.
    case missingField = "missing_field"
    /// A field of the wrong JSON type (a numeric user id, a profile that is not a list...).
    case wrongType = "wrong_type"
    /// A rating that is not a number, or breaks ``ReviewRule`` (a finite number in 0...5).
    case badRating = "bad_rating"
    /// A timestamp that is not a number, or breaks ``ReviewRule`` (whole, non-negative, at most year 9999).
    case badTimestamp = "bad_timestamp"
    /// A user or item id breaking ``ReviewRule`` (over 256 bytes, control characters).
    case badID = "bad_id"
    /// A review title or text over the ``ReviewRule`` limits.
    case textTooLong = "text_too_long"
    /// A review whose title and text are both blank.
    case missingText = "missing_text"
    /// A profile review or target written by another user than the row's `user_id`.
    case userMismatch = "user_mismatch"
  }

  /// The reason.
  public var reason: Reason
  /// Which field, and what was found.
  public var detail: String

  /// Creates an error.
  public init(_ reason: Reason, _ detail: String) {
    self.reason = reason
    self.detail = detail
  }

  /// The error for a review (or row) at `place` breaking the store's rule.
  init(_ violation: ReviewRule.Violation, at place: String) {
    let reason: Reason
    switch violation.reason {
    case .missingUser, .missingItem: reason = .missingField
    case .badRating: reason = .badRating
    case .badTimestamp: reason = .badTimestamp
    case .badID: reason = .badID
    case .textTooLong: reason = .textTooLong
    case .missingText: reason = .missingText
    case .invalidJSON, .duplicateKey: reason = .invalidJSON
    case .wrongType: reason = .wrongType
    }
    self.init(reason, "\(place).\(violation)")
  }

  /// `reason: detail`.
  public var description: String { "\(reason.rawValue): \(detail)" }
}

/// Turns one line of a DPL export into a ``DPLLine``. Pure (bytes in, row or error out), so a fuzzer
/// can drive it; it never traps on any input. Reviews are checked with the store's ``ReviewRule``
/// (the one the JSONL importer and `reviews.add` apply), a row whole: one bad review skips its row.
public enum DPLRowReader {
  private typealias Object = [String: JSONValue]

  /// The row in `line` (UTF-8 JSON, without its newline); nil for a blank line.
  /// - Parameter rule: the review rule (default: the default store limits).
  /// - Throws: ``DPLRowError`` naming the field at fault.
  public static func parse(_ line: Data, rule: ReviewRule = ReviewRule()) throws(DPLRowError) -> DPLLine? {
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
    let value: JSONValue
    do {
      value = try JSONParser().parse(line)
    } catch {
      throw DPLRowError(.invalidJSON, "not JSON (\(error))")
    }
    guard let object = value.object else { throw DPLRowError(.invalidJSON, "not a JSON object") }
    if object["profile"] != nil || object["data"] != nil { return .main(try mainRow(object, rule)) }
    return .meta(try metaRow(object, rule))
  }

  private static func mainRow(_ object: Object, _ rule: ReviewRule) throws(DPLRowError) -> DPLMainRow {
    let user = try identifier(object, "user_id", field: "user", in: "row", rule)
    guard let profileValue = present(object["profile"]) else { throw DPLRowError(.missingField, "profile") }
    guard let entries = profileValue.array else { throw DPLRowError(.wrongType, "profile is not a list") }
    var profile: [DPLReview] = []
    profile.reserveCapacity(entries.count)
    for (index, entry) in entries.enumerated() {
      profile.append(try review(entry, rowUser: user, place: "profile[\(index)]", rule))
    }
    guard let data = present(object["data"]) else { throw DPLRowError(.missingField, "data") }
    return DPLMainRow(userID: user, profile: profile, target: try review(data, rowUser: user, place: "data", rule))
  }

  private static func metaRow(_ object: Object, _ rule: ReviewRule) throws(DPLRowError) -> DPLMetaRow {
    let item = try identifier(object, "asin", field: "item", in: "meta row", rule)
    let title = try text(object, "title", in: "meta row", required: false)
    let description: String
    switch present(object["description"]) {
    case nil: description = ""
    case .string(let string): description = string
    case .array(let list):
      var parts: [String] = []
      for part in list {
        guard let string = part.string else {
          throw DPLRowError(.wrongType, "meta row description holds a non-string")
        }
        parts.append(string)
      }
      description = parts.joined(separator: " ")
    default: throw DPLRowError(.wrongType, "meta row description is neither a string nor a list of strings")
    }
    return DPLMetaRow(itemID: item, title: title, description: description)
  }

  private static func review(_ value: JSONValue, rowUser: String, place: String, _ rule: ReviewRule)
    throws(DPLRowError) -> DPLReview
  {
    guard let object = value.object else { throw DPLRowError(.wrongType, "\(place) is not an object") }
    let user: String
    if present(object["user_id"]) == nil {
      user = rowUser
    } else {
      user = try identifier(object, "user_id", field: "user", in: place, rule)
      guard user == rowUser else {
        throw DPLRowError(.userMismatch, "\(place) is by '\(user)', the row's user is '\(rowUser)'")
      }
    }
    let item = try identifier(object, "asin", field: "item", in: place, rule)
    let title = try text(object, "title", in: place, required: false)
    let body = try text(object, "text", in: place, required: true)
    guard let ratingValue = present(object["rating"]) else { throw DPLRowError(.missingField, "\(place).rating") }
    guard let ratingNumber = number(ratingValue) else {
      throw DPLRowError(.badRating, "\(place).rating is \(describe(ratingValue)), not a number")
    }
    guard let timeValue = present(object["timestamp"]) else { throw DPLRowError(.missingField, "\(place).timestamp") }
    guard let timeNumber = number(timeValue) else {
      throw DPLRowError(.badTimestamp, "\(place).timestamp is \(describe(timeValue)), not a number")
    }
    do {
      let rating = try rule.rating(ratingNumber)
      let timestamp = try rule.timestamp(timeNumber)
      try rule.texts(title: title, text: body)
      return DPLReview(userID: user, itemID: item, title: title, text: body, rating: rating, timestamp: timestamp)
    } catch {
      throw DPLRowError(error, at: place)
    }
  }

  /// A non-blank string field that `rule` accepts as an id (`field`: "user" or "item").
  private static func identifier(
    _ object: Object, _ key: String, field: String, in place: String, _ rule: ReviewRule
  ) throws(DPLRowError) -> String {
    guard let value = present(object[key]) else { throw DPLRowError(.missingField, "\(place).\(key)") }
    guard let string = value.string else {
      throw DPLRowError(.wrongType, "\(place).\(key) is \(describe(value)), not a string")
    }
    guard !string.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw DPLRowError(.missingField, "\(place).\(key) is empty")
    }
    do {
      return try rule.id(string, field: field)
    } catch {
      throw DPLRowError(error, at: place)
    }
  }

  /// A string field; absent or null gives "" unless `required`.
  private static func text(_ object: Object, _ key: String, in place: String, required: Bool)
    throws(DPLRowError) -> String
  {
    guard let value = present(object[key]) else {
      if required { throw DPLRowError(.missingField, "\(place).\(key)") }
      return ""
    }
    guard let string = value.string else {
      throw DPLRowError(.wrongType, "\(place).\(key) is \(describe(value)), not a string")
    }
    return string
  }

  /// `value` unless it is absent or JSON null.
  private static func present(_ value: JSONValue?) -> JSONValue? {
    guard let value, !value.isNull else { return nil }
    return value
  }

  /// A JSON number (not a boolean or a string) as a Double.
  private static func number(_ value: JSONValue) -> Double? { value.double }

  private static func describe(_ value: JSONValue) -> String {
    switch value {
    case .string: return "a string"
    case .array: return "a list"
    case .object: return "an object"
    case .bool: return "a boolean"
    case .null: return "null"
    case .int, .double: return JSONWriter.string(value)
    }
  }
}

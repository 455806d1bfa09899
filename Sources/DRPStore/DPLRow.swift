// One line of the DPL benchmark (DPL-main / DPL-meta exported as JSON lines), parsed without the store.
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
  /// Why a line is rejected (also the import report's skip keys).
  public enum Reason: String, Sendable, Codable, CaseIterable {
    /// Not a JSON object.
    case invalidJSON = "invalid_json"
    /// A required field is absent or null.
    case missingField = "missing_field"
    /// A field of the wrong JSON type (a numeric user id, a profile that is not a list...).
    case wrongType = "wrong_type"
    /// A rating that is not a finite number in 0...5.
    case badRating = "bad_rating"
    /// A timestamp that is not a non-negative whole number.
    case badTimestamp = "bad_timestamp"
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

  /// `reason: detail`.
  public var description: String { "\(reason.rawValue): \(detail)" }
}

/// Turns one line of a DPL export into a ``DPLLine``. Pure (bytes in, row or error out), so a fuzzer
/// can drive it; it never traps on any input.
public enum DPLRowReader {
  /// The row in `line` (UTF-8 JSON, without its newline); nil for a blank line.
  /// - Throws: ``DPLRowError`` naming the field at fault.
  public static func parse(_ line: Data) throws(DPLRowError) -> DPLLine? {
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
    let value: Any
    do {
      value = try JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed])
    } catch {
      throw DPLRowError(.invalidJSON, "not JSON (\((error as NSError).localizedDescription))")
    }
    guard let object = value as? [String: Any] else { throw DPLRowError(.invalidJSON, "not a JSON object") }
    if object["profile"] != nil || object["data"] != nil { return .main(try mainRow(object)) }
    return .meta(try metaRow(object))
  }

  private static func mainRow(_ object: [String: Any]) throws(DPLRowError) -> DPLMainRow {
    let user = try identifier(object, "user_id", in: "row")
    guard let profileValue = present(object["profile"]) else { throw DPLRowError(.missingField, "profile") }
    guard let entries = profileValue as? [Any] else { throw DPLRowError(.wrongType, "profile is not a list") }
    var profile: [DPLReview] = []
    profile.reserveCapacity(entries.count)
    for (index, entry) in entries.enumerated() {
      profile.append(try review(entry, rowUser: user, place: "profile[\(index)]"))
    }
    guard let data = present(object["data"]) else { throw DPLRowError(.missingField, "data") }
    return DPLMainRow(userID: user, profile: profile, target: try review(data, rowUser: user, place: "data"))
  }

  private static func metaRow(_ object: [String: Any]) throws(DPLRowError) -> DPLMetaRow {
    let item = try identifier(object, "asin", in: "meta row")
    let title = try text(object, "title", in: "meta row", required: false)
    let description: String
    switch present(object["description"]) {
    case nil: description = ""
    case let string as String: description = string
    case let list as [Any]:
      var parts: [String] = []
      for part in list {
        guard let string = part as? String else {
          throw DPLRowError(.wrongType, "meta row description holds a non-string")
        }
        parts.append(string)
      }
      description = parts.joined(separator: " ")
    default: throw DPLRowError(.wrongType, "meta row description is neither a string nor a list of strings")
    }
    return DPLMetaRow(itemID: item, title: title, description: description)
  }

  private static func review(_ value: Any, rowUser: String, place: String) throws(DPLRowError) -> DPLReview {
    guard let object = value as? [String: Any] else { throw DPLRowError(.wrongType, "\(place) is not an object") }
    let user: String
    if present(object["user_id"]) == nil {
      user = rowUser
    } else {
      user = try identifier(object, "user_id", in: place)
      guard user == rowUser else {
        throw DPLRowError(.userMismatch, "\(place) is by '\(user)', the row's user is '\(rowUser)'")
      }
    }
    let item = try identifier(object, "asin", in: place)
    let title = try text(object, "title", in: place, required: false)
    let body = try text(object, "text", in: place, required: true)
    guard let ratingValue = present(object["rating"]) else { throw DPLRowError(.missingField, "\(place).rating") }
    guard let rating = number(ratingValue), rating.isFinite, (0...5).contains(rating) else {
      throw DPLRowError(.badRating, "\(place).rating is \(describe(ratingValue))")
    }
    guard let timeValue = present(object["timestamp"]) else { throw DPLRowError(.missingField, "\(place).timestamp") }
    guard let time = number(timeValue), time.isFinite, time >= 0, time < 1e17, time == time.rounded() else {
      throw DPLRowError(.badTimestamp, "\(place).timestamp is \(describe(timeValue))")
    }
    var timestamp = Int64(time)
    if timestamp > 0 && timestamp < 100_000_000_000 { timestamp *= 1000 }
    return DPLReview(userID: user, itemID: item, title: title, text: body, rating: rating, timestamp: timestamp)
  }

  /// A non-empty string field.
  private static func identifier(_ object: [String: Any], _ key: String, in place: String) throws(DPLRowError)
    -> String
  {
    guard let value = present(object[key]) else { throw DPLRowError(.missingField, "\(place).\(key)") }
    guard let string = value as? String, !isNumber(value) else {
      throw DPLRowError(.wrongType, "\(place).\(key) is \(describe(value)), not a string")
    }
    guard !string.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw DPLRowError(.missingField, "\(place).\(key) is empty")
    }
    return string
  }

  /// A string field; absent or null gives "" unless `required`.
  private static func text(_ object: [String: Any], _ key: String, in place: String, required: Bool)
    throws(DPLRowError) -> String
  {
    guard let value = present(object[key]) else {
      if required { throw DPLRowError(.missingField, "\(place).\(key)") }
      return ""
    }
    guard let string = value as? String, !isNumber(value) else {
      throw DPLRowError(.wrongType, "\(place).\(key) is \(describe(value)), not a string")
    }
    return string
  }

  /// `value` unless it is absent or JSON null.
  private static func present(_ value: Any?) -> Any? {
    guard let value, !(value is NSNull) else { return nil }
    return value
  }

  /// Whether Foundation decoded `value` as a JSON number (booleans excluded).
  private static func isNumber(_ value: Any) -> Bool {
    guard let number = value as? NSNumber else { return false }
    return !isBoolean(number)
  }

  /// JSON `true`/`false` arrive as NSNumbers of Objective-C type `c` (char).
  private static func isBoolean(_ number: NSNumber) -> Bool {
    String(cString: number.objCType) == "c"
  }

  /// A JSON number (not a boolean or a string) as a Double.
  private static func number(_ value: Any) -> Double? {
    guard let number = value as? NSNumber, !isBoolean(number) else { return nil }
    return number.doubleValue
  }

  private static func describe(_ value: Any) -> String {
    switch value {
    case is String: return "a string"
    case is [Any]: return "a list"
    case is [String: Any]: return "an object"
    case let number as NSNumber: return isBoolean(number) ? "a boolean" : "\(number)"
    default: return "\(type(of: value))"
    }
  }
}

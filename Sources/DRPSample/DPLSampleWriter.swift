// The synthetic sample data set in the DPL benchmark's layout (DPL-main and DPL-meta rows).
import DRPCore
import Foundation

/// What ``DPLSampleWriter`` wrote.
public struct DPLSampleSummary: Sendable, Codable, Equatable {
  /// The DPL-main file: one row per user.
  public var mainPath: String
  /// The DPL-meta file: one row per item.
  public var metaPath: String
  /// Main rows (users with at least two reviews).
  public var rows: Int
  /// Meta rows.
  public var items: Int
  /// History reviews over all rows (targets not counted).
  public var historyReviews: Int

  enum CodingKeys: String, CodingKey {
    case rows, items
    case mainPath = "main_path"
    case metaPath = "meta_path"
    case historyReviews = "history_reviews"
  }
}

/// Writes the synthetic data set of ``SampleGenerator`` as a DPL benchmark test split: `dpl_main.jsonl`
/// with one row per user (`user_id`; `profile`: every review but the last, in time order, each
/// `{user_id, asin, title, text, rating, timestamp}`; `data`: the last review) and `dpl_meta.jsonl`
/// with `{asin, title, description}` per item (the description lines joined with spaces). The text is
/// the generator's own, so the files can ship with tests; the same options give identical files.
public struct DPLSampleWriter: Sendable {
  /// The generator options.
  public let options: SampleOptions

  /// Creates a writer.
  public init(options: SampleOptions = SampleOptions()) { self.options = options }

  /// Writes `directory/dpl_main.jsonl` and `directory/dpl_meta.jsonl` (creating the directory).
  /// - Throws: file-system errors.
  public func write(to directory: String) throws -> DPLSampleSummary {
    let manager = FileManager.default
    let scratch = (directory as NSString).appendingPathComponent(
      ".dpl-sample-\(ProcessInfo.processInfo.processIdentifier)")
    defer { try? manager.removeItem(atPath: scratch) }
    let summary = try SampleGenerator(options: options).write(to: scratch)
    let mainPath = (directory as NSString).appendingPathComponent("dpl_main.jsonl")
    let metaPath = (directory as NSString).appendingPathComponent("dpl_meta.jsonl")

    var meta = ""
    var items = 0
    for object in try Self.objects(summary.itemsPath) {
      let description = (object["description"]?.array ?? []).compactMap(\.string).joined(separator: " ")
      meta +=
        "{\"asin\":\(JSONText.quote(object["parent_asin"]?.string ?? "")),"
        + "\"title\":\(JSONText.quote(object["title"]?.string ?? "")),"
        + "\"description\":\(JSONText.quote(description))}\n"
      items += 1
    }
    var byUser: [String: [[String: JSONValue]]] = [:]
    var order: [String] = []
    for object in try Self.objects(summary.reviewsPath) {
      let user = object["user_id"]?.string ?? ""
      if byUser[user] == nil { order.append(user) }
      byUser[user, default: []].append(object)
    }
    var main = ""
    var rows = 0
    var history = 0
    for user in order {
      let reviews = (byUser[user] ?? []).sorted {
        Self.timestamp($0) < Self.timestamp($1)
      }
      guard let target = reviews.last, reviews.count >= 2 else { continue }
      let profile = reviews.dropLast().map(Self.review).joined(separator: ",")
      main += "{\"user_id\":\(JSONText.quote(user)),\"profile\":[\(profile)],\"data\":\(Self.review(target))}\n"
      rows += 1
      history += reviews.count - 1
    }
    try Data(main.utf8).write(to: URL(fileURLWithPath: mainPath))
    try Data(meta.utf8).write(to: URL(fileURLWithPath: metaPath))
    return DPLSampleSummary(mainPath: mainPath, metaPath: metaPath, rows: rows, items: items, historyReviews: history)
  }

  /// One review in the DPL layout.
  private static func review(_ object: [String: JSONValue]) -> String {
    let rating = object["rating"]?.double ?? 0
    let timestamp = timestamp(object)
    return "{\"user_id\":\(JSONText.quote(object["user_id"]?.string ?? "")),"
      + "\"asin\":\(JSONText.quote(object["parent_asin"]?.string ?? "")),"
      + "\"title\":\(JSONText.quote(object["title"]?.string ?? "")),"
      + "\"text\":\(JSONText.quote(object["text"]?.string ?? "")),\"rating\":\(rating),\"timestamp\":\(timestamp)}"
  }

  /// A review's `timestamp` (whole milliseconds; 0 when absent).
  private static func timestamp(_ object: [String: JSONValue]) -> Int64 {
    if case .int(let value) = object["timestamp"] { return value }
    return object["timestamp"]?.double.flatMap { Int64(exactly: $0.rounded(.towardZero)) } ?? 0
  }

  /// The JSON objects of a JSONL file.
  private static func objects(_ path: String) throws -> [[String: JSONValue]] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try data.split(separator: UInt8(ascii: "\n")).compactMap { try JSONParser().parse($0).object }
  }
}

// Small hand-written review sets and CLI helpers for the engine and CLI tests.
import DRPTestSupport
import Foundation
import XCTest

/// One review line of a hand-written fixture.
struct FixtureReview {
  var user: String
  var item: String
  var title: String
  var text: String
  /// Seconds since 1970; written as milliseconds.
  var time: Int64
}

/// Builds homes from hand-written or generated review data.
enum EngineFixture {
  /// Writes `reviews` and items `items` (id → title) as JSONL files in `dir`, imports them into
  /// `dir/home`, and returns the home.
  static func importReviews(
    _ reviews: [FixtureReview], items: [String: String], into dir: TemporaryDirectory,
    file: StaticString = #filePath, line: UInt = #line
  ) throws -> URL {
    func jsonLine(_ object: [String: Any]) throws -> String {
      String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
    let itemLines = try items.sorted { $0.key < $1.key }.map {
      try jsonLine(["parent_asin": $0.key, "title": $0.value, "description": ["A \($0.value.lowercased()) for tests."]])
    }
    let reviewLines = try reviews.map {
      try jsonLine([
        "user_id": $0.user, "parent_asin": $0.item, "rating": 4.0, "title": $0.title, "text": $0.text,
        "timestamp": $0.time * 1000,
      ])
    }
    let name = "fixture-\(UUID().uuidString.prefix(6))"
    let itemsPath = dir.path("\(name).items.jsonl"), reviewsPath = dir.path("\(name).reviews.jsonl")
    try (itemLines.joined(separator: "\n") + "\n").write(toFile: itemsPath, atomically: true, encoding: .utf8)
    try (reviewLines.joined(separator: "\n") + "\n").write(toFile: reviewsPath, atomically: true, encoding: .utf8)
    let home = dir.url.appendingPathComponent("home")
    let result = try drp(home: home, ["import", itemsPath, reviewsPath, "--json"])
    XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
    return home
  }

  /// Generates the synthetic sample (`users` users), imports it into `dir/home` and embeds it.
  /// Returns the home and the parsed review lines (user, item).
  static func embeddedSample(
    _ dir: TemporaryDirectory, users: Int = 40, file: StaticString = #filePath, line: UInt = #line
  )
    throws -> (home: URL, reviews: [(user: String, item: String)])
  {
    let home = dir.url.appendingPathComponent("home")
    let sample = try drp(home: home, ["sample", "--out", dir.path("sample"), "--users", "\(users)", "--json"])
    XCTAssertEqual(sample.status, 0, sample.stderr, file: file, line: line)
    let paths = try XCTUnwrap(try sample.json() as? [String: Any])
    let reviewsPath = try XCTUnwrap(paths["reviews_path"] as? String)
    let itemsPath = try XCTUnwrap(paths["items_path"] as? String)
    let imported = try drp(home: home, ["import", itemsPath, reviewsPath])
    XCTAssertEqual(imported.status, 0, imported.stderr, file: file, line: line)
    let embedded = try drp(home: home, ["embed", "--json"])
    XCTAssertEqual(embedded.status, 0, embedded.stderr, file: file, line: line)
    let text = try String(contentsOfFile: reviewsPath, encoding: .utf8)
    let reviews = try text.split(separator: "\n").map { line -> (user: String, item: String) in
      let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      return (try XCTUnwrap(object["user_id"] as? String), try XCTUnwrap(object["parent_asin"] as? String))
    }
    return (home, reviews)
  }

  /// `drp ARGS --json` in `home`, expecting success, parsed as an object.
  static func json(_ home: URL, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws
    -> [String: Any]
  {
    let result = try drp(home: home, arguments + ["--json"])
    XCTAssertEqual(
      result.status, 0, "drp \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
    return try XCTUnwrap(try result.json(file: file, line: line) as? [String: Any], file: file, line: line)
  }

  /// The `key` array of objects of a JSON result.
  static func rows(_ object: [String: Any], _ key: String, file: StaticString = #filePath, line: UInt = #line) throws
    -> [[String: Any]]
  {
    try XCTUnwrap(object[key] as? [[String: Any]], "\(key) array in \(object)", file: file, line: line)
  }
}

import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPTestSupport
import Foundation
import XCTest

/// One review rule for `drp import` and `reviews.add`: the same review is accepted by both (and
/// stored the same) or rejected by both, naming the same field.
final class ReviewRuleTests: XCTestCase {
  /// A review (as `reviews.add` params; the importer reads the same object as one line with
  /// `user_id`/`parent_asin`) and the field of the expected rejection, nil when accepted.
  private static let cases: [(JSONValue, String?)] = [
    (["user": "ok-user", "item": "SI000001", "rating": 4, "text": "Fine.", "timestamp": 1_700_000_000_000], nil),
    (["user": "secs-user", "item": "SI000001", "rating": 4, "text": "Seconds.", "timestamp": 1_700_000_000], nil),
    (
      [
        "user": "title-only", "item": "SI000001", "rating": 5, "title": "Works!", "text": "",
        "timestamp": 1_700_000_000_000,
      ], nil
    ),
    (["user": "neg-user", "item": "SI000001", "rating": 4, "text": "Negative.", "timestamp": -5], "timestamp"),
    (["user": "frac-user", "item": "SI000001", "rating": 4, "text": "Fraction.", "timestamp": 1.5], "timestamp"),
    (["user": "far-user", "item": "SI000001", "rating": 4, "text": "Far.", "timestamp": 1e17], "timestamp"),
    (["user": "rate-user", "item": "SI000001", "rating": 5.5, "text": "Too good."], "rating"),
    (["user": "blank-user", "item": "SI000001", "rating": 3, "title": " ", "text": "  "], "text"),
    (["user": "", "item": "SI000001", "rating": 3, "text": "No user."], "user"),
    (["user": "ctl\u{1}user", "item": "SI000001", "rating": 3, "text": "Control."], "user"),
    (
      ["user": .string(String(repeating: "u", count: 300)), "item": "SI000001", "rating": 3, "text": "Long id."], "user"
    ),
    (["user": "long-item", "item": .string(String(repeating: "i", count: 257)), "rating": 3, "text": "x"], "item"),
    (
      ["user": "big-text", "item": "SI000001", "rating": 3, "text": .string(String(repeating: "a", count: 65537))],
      "text"
    ),
    (
      [
        "user": "big-title", "item": "SI000001", "rating": 3, "title": .string(String(repeating: "t", count: 4097)),
        "text": "x",
      ], "title"
    ),
  ]

  /// The import line of a case.
  private static func line(_ review: JSONValue) -> String {
    var members = review.object ?? [:]
    members["user_id"] = members.removeValue(forKey: "user")
    members["parent_asin"] = members.removeValue(forKey: "item")
    return JSONWriter.string(.object(members))
  }

  /// Each case is imported into a home of its own with `drp import` and sent to a server's
  /// `reviews.add` (two stores: the cross-process write lock is not what is tested here).
  func testImportAndReviewsAddApplyTheSameRule() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.tcp)
    let imports = serve.directory.url.appendingPathComponent("imports")
    for (number, (review, field)) in Self.cases.enumerated() {
      let label = "case \(number) (\(JSONWriter.string(review).prefix(80)))"
      let file = serve.directory.path("case\(number).jsonl")
      try (Self.line(review) + "\n").write(toFile: file, atomically: true, encoding: .utf8)
      let imported = try drp(home: imports, ["import", file, "--json"])
      XCTAssertEqual(imported.status, 0, imported.stderr)
      let report = try XCTUnwrap(try imported.json() as? [String: Any])
      let reply = connection.call("reviews.add", review, id: .int(Int64(number)))
      if let field {
        XCTAssertEqual(report["reviews_added"] as? Int, 0, "import accepted \(label)")
        XCTAssertEqual(report["lines"] as? Int, 1, label)
        let reason = (report["skipped"] as? [String: Int] ?? [:]).filter { $0.value > 0 }.keys.first ?? "none"
        XCTAssertTrue(imported.stderr.contains(": \(reason): "), "\(label): \(imported.stderr)")
        XCTAssertEqual(reply?["error"]?["code"], -32602, "reviews.add accepted \(label): \(String(describing: reply))")
        XCTAssertEqual(reply?["error"]?["data"]?["field"]?.string, field, label)
        // Both name the same problem: the importer's detail ends with the reply's message.
        let problem = try XCTUnwrap(reply?["error"]?["message"]?.string?.components(separatedBy: "\" ").last)
        XCTAssertTrue(imported.stderr.contains(problem), "\(label): '\(problem)' not in \(imported.stderr)")
      } else {
        XCTAssertEqual(report["reviews_added"] as? Int, 1, "import rejected \(label): \(imported.stderr)")
        XCTAssertNotNil(reply?["result"], "reviews.add rejected \(label): \(String(describing: reply))")
      }
    }
    // Accepted reviews are stored alike: a seconds timestamp becomes milliseconds either way.
    for user in ["ok-user", "secs-user", "title-only"] {
      let served = try XCTUnwrap(
        connection.call("users.get", ["user": .string(user)], id: .string(user))?["result"]?["reviews"]?.array)
      let shown = try JSONParser().parse(try drp(home: imports, ["users", "show", user, "--json"]).stdout)
      let importedReviews = try XCTUnwrap(shown["reviews"]?.array)
      XCTAssertEqual(served.count, 1, user)
      XCTAssertEqual(importedReviews.count, 1, user)
      for key in ["title", "text", "rating", "timestamp", "item_id"] {
        XCTAssertEqual(served.first?[key], importedReviews.first?[key], "\(user) \(key)")
      }
      XCTAssertEqual(served.first?["timestamp"], 1_700_000_000_000, user)
    }
  }
}

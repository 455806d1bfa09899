// `drp keys --preset paper` against the DRP authors' ranker (rank_bm25's BM25Okapi), computed once
// by Benchmarks/keys/make_fixture.py on a generated data set.
import DRPTestSupport
import Foundation
import XCTest

final class PaperKeySamplesTests: XCTestCase {
  private struct Fixture: Decodable {
    struct Sample: Decodable { var users, items, seed: Int }
    struct Key: Decodable {
      var item_id: String
      var score: Double
    }
    struct Case: Decodable {
      var user, item, title: String
      var keys: [Key]
    }
    var sample: Sample
    var cases: [Case]
  }

  func testPaperKeysEqualRankBM25() throws {
    let url = TestSupport.packageRoot.appendingPathComponent("Benchmarks/keys/keys_fixture.json")
    let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    XCTAssertGreaterThanOrEqual(fixture.cases.count, 10)
    let dir = try TemporaryDirectory()
    let sample = dir.path("sample")
    XCTAssertEqual(
      try runProcess(
        TestSupport.drpBinary,
        [
          "sample", "--out", sample, "--users", String(fixture.sample.users), "--items", String(fixture.sample.items),
          "--seed", String(fixture.sample.seed),
        ]
      ).status, 0)
    let home = dir.url.appendingPathComponent("home")
    XCTAssertEqual(try drp(home: home, ["import", sample + "/reviews.jsonl", sample + "/items.jsonl"]).status, 0)
    var compared = 0
    for expected in fixture.cases {
      let result = try drp(
        home: home,
        ["keys", expected.user, "--item", expected.item, "--title", expected.title, "--preset", "paper", "--json"])
      XCTAssertEqual(result.status, 0, result.stderr)
      let json = try XCTUnwrap(try result.json() as? [String: Any])
      let keys = try XCTUnwrap(json["keys"] as? [[String: Any]])
      XCTAssertEqual(keys.compactMap { $0["item_id"] as? String }, expected.keys.map(\.item_id), expected.user)
      for (got, want) in zip(keys, expected.keys) {
        XCTAssertEqual(try XCTUnwrap(got["score"] as? Double), want.score, accuracy: 1e-9, "\(expected.user) \(want)")
      }
      compared += expected.keys.count
    }
    XCTAssertGreaterThan(compared, 50)
    // drp's own ranking (the default preset) is a different one: it must not pass for the paper's.
    let first = fixture.cases[0]
    let drpKeys =
      try XCTUnwrap(
        try drp(home: home, ["keys", first.user, "--item", first.item, "--title", first.title, "--json"]).json()
          as? [String: Any])["keys"] as? [[String: Any]]
    XCTAssertNotEqual(
      drpKeys?.compactMap { $0["score"] as? Double }, first.keys.map(\.score), "the drp preset ranks differently")
  }
}

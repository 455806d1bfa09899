// The DPL benchmark path end to end through the drp binary: a generated DPL-main/DPL-meta fixture
// (`drp sample --format dpl`) is imported, its targets marked, embedded and evaluated.
import DRPCore
import DRPPeers
import DRPStore
import DRPTestSupport
import XCTest

final class DPLBenchmarkTests: XCTestCase {
  private let offline = ["DRP_LLM_URL": "", "DRP_REASONER_URL": ""]

  /// `drp sample --format dpl` into `directory/dpl`: 24 users, 12 items, ~7 reviews each.
  private func makeFixture(_ directory: TemporaryDirectory) throws -> (main: String, meta: String) {
    let out = directory.path("dpl")
    let result = try runProcess(
      TestSupport.drpBinary,
      [
        "sample", "--format", "dpl", "--out", out, "--users", "24", "--items", "12", "--reviews-per-user", "7",
        "--seed", "9", "--json",
      ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let summary = try XCTUnwrap(result.json() as? [String: Any])
    XCTAssertEqual(summary["rows"] as? Int, 24)
    XCTAssertEqual(summary["items"] as? Int, 12)
    return (out + "/dpl_main.jsonl", out + "/dpl_meta.jsonl")
  }

  /// The fixture's rows, as written.
  private func rows(_ path: String) throws -> [[String: Any]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  func testImportStoresHistoriesAndMarksEachRowsTarget() throws {
    let directory = try TemporaryDirectory("drp-dpl-import")
    let (main, meta) = try makeFixture(directory)
    let home = directory.url.appendingPathComponent("home")
    let first = try drp(home: home, ["import", "--format", "dpl", meta, main, "--json"])
    XCTAssertEqual(first.status, 0, first.stderr)
    let report = try XCTUnwrap(first.json() as? [String: Any])
    let mainRows = try rows(main)
    let history = mainRows.reduce(0) { $0 + (($1["profile"] as? [Any])?.count ?? 0) }
    XCTAssertEqual(report["main_rows"] as? Int, 24)
    XCTAssertEqual(report["meta_rows"] as? Int, 12)
    XCTAssertEqual(report["targets_marked"] as? Int, 24)
    XCTAssertEqual(report["reviews_added"] as? Int, history + 24)
    XCTAssertEqual(report["users_added"] as? Int, 24)

    let store = try ReviewStore(home: home.path)
    let marks = try store.heldOutMarks(source: "dpl")
    XCTAssertEqual(marks.count, 24)
    for row in mainRows {
      let user = try XCTUnwrap(row["user_id"] as? String)
      let target = try XCTUnwrap(row["data"] as? [String: Any])
      let mark = try XCTUnwrap(marks.first { $0.userID == user })
      let review = try XCTUnwrap(store.review(id: mark.reviewID))
      XCTAssertEqual(review.text, target["text"] as? String)
      XCTAssertEqual(review.itemID, target["asin"] as? String)
      XCTAssertEqual(try store.reviews(ofUser: user).count, ((row["profile"] as? [Any])?.count ?? 0) + 1)
    }
    let metaRow = try XCTUnwrap(try rows(meta).first)
    let item = try XCTUnwrap(store.item(try XCTUnwrap(metaRow["asin"] as? String)))
    XCTAssertEqual(item.title, metaRow["title"] as? String)
    XCTAssertEqual(item.description, metaRow["description"] as? String)

    // Importing again adds nothing and keeps the marks.
    let again = try XCTUnwrap(
      try drp(home: home, ["import", "--format", "dpl", main, meta, "--json"]).json() as? [String: Any])
    XCTAssertEqual(again["reviews_added"] as? Int, 0)
    XCTAssertEqual(again["duplicates"] as? Int, history + 24)
    XCTAssertEqual(again["targets_marked"] as? Int, 0)
    XCTAssertEqual(try store.heldOutMarks(source: "dpl"), marks)

    // A later row of a user (another split) moves the mark to its later target; the old target is history.
    var later = try XCTUnwrap(mainRows.first)
    let oldTarget = try XCTUnwrap(later["data"] as? [String: Any])
    var newTarget = oldTarget
    newTarget["text"] = "A later target written for this test."
    newTarget["timestamp"] = (oldTarget["timestamp"] as? Int64 ?? 0) + 86_400_000
    later["profile"] = ((later["profile"] as? [Any]) ?? []) + [oldTarget]
    later["data"] = newTarget
    let laterFile = directory.path("later.jsonl")
    try JSONSerialization.data(withJSONObject: later).write(to: URL(fileURLWithPath: laterFile))
    let moved = try XCTUnwrap(
      try drp(home: home, ["import", "--format", "dpl", laterFile, "--json"]).json() as? [String: Any])
    XCTAssertEqual(moved["targets_marked"] as? Int, 1)
    let user = try XCTUnwrap(later["user_id"] as? String)
    let mark = try XCTUnwrap(try store.heldOutMarks(source: "dpl").first { $0.userID == user })
    XCTAssertEqual(try store.review(id: mark.reviewID)?.text, "A later target written for this test.")
    // Re-importing the earlier row does not move it back.
    XCTAssertEqual(
      try XCTUnwrap(try drp(home: home, ["import", "--format", "dpl", main, "--json"]).json() as? [String: Any])[
        "targets_marked"] as? Int, 0)
  }

  func testBadLinesAreSkippedCountedAndNamed() throws {
    let directory = try TemporaryDirectory("drp-dpl-bad")
    let (main, _) = try makeFixture(directory)
    let lines = try String(contentsOfFile: main, encoding: .utf8).split(separator: "\n").map(String.init)
    let broken = [
      lines[0], "{cut", #"{"user_id":"X","profile":[],"data":{"asin":"A","text":"t","rating":11,"timestamp":1}}"#,
      #"{"user_id":"X","profile":[{"user_id":"Y","asin":"A","text":"t","rating":1,"timestamp":1}],"data":{"asin":"A","text":"t","rating":1,"timestamp":2}}"#,
      "", lines[1],
    ]
    let file = directory.path("broken.jsonl")
    try broken.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
    let home = directory.url.appendingPathComponent("home")
    let result = try drp(home: home, ["import", "--format", "dpl", file, "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try XCTUnwrap(result.json() as? [String: Any])
    XCTAssertEqual(report["main_rows"] as? Int, 2)
    XCTAssertEqual(report["lines"] as? Int, 5)
    let skipped = try XCTUnwrap(report["skipped"] as? [String: Int])
    XCTAssertEqual(skipped["invalid_json"], 1)
    XCTAssertEqual(skipped["bad_rating"], 1)
    XCTAssertEqual(skipped["user_mismatch"], 1)
    XCTAssertTrue(result.stderr.contains("broken.jsonl:2: invalid_json"), result.stderr)
    XCTAssertTrue(
      result.stderr.contains("broken.jsonl:3: bad_rating: data.rating must be between 0 and 5, got 11.0"), result.stderr
    )
    XCTAssertEqual(try ReviewStore(home: home.path).heldOutMarks().count, 2, "no half-written row")

    for (arguments, message) in [
      (["import", "--format", "dpl", "--map", "user=u", file], "--map applies to the amazon format only"),
      (["import", "--format", "csv", file], "unknown format 'csv'"),
      (["import", "--format", "dpl", directory.path("missing.jsonl")], "no such file"),
    ] {
      let failed = try drp(home: home, arguments)
      XCTAssertNotEqual(failed.status, 0)
      XCTAssertTrue(failed.stderr.contains(message), "\(arguments): \(failed.stderr)")
    }
  }

  func testEvaluateEveryDPLTargetEndToEnd() throws {
    let directory = try TemporaryDirectory("drp-dpl-eval")
    let (main, meta) = try makeFixture(directory)
    let home = directory.url.appendingPathComponent("home")
    XCTAssertEqual(try drp(home: home, ["eval", "--targets", "dpl"], environment: offline).status, 1)
    for arguments in [["import", "--format", "dpl", main, meta], ["embed"]] {
      let result = try drp(home: home, arguments)
      XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
    }
    let result = try drp(
      home: home,
      ["eval", "--targets", "dpl", "--modes", "nonp,rag,dpl,drp", "--json", "--svg", directory.path("r.svg")],
      environment: offline, timeout: 300)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertFalse(result.stderr.contains("refitting"), "the import's marks are left out of the first fit")
    let report = try XCTUnwrap(result.json() as? [String: Any])
    let settings = try XCTUnwrap(report["settings"] as? [String: Any])
    XCTAssertEqual(settings["targets"] as? String, "dpl")
    XCTAssertEqual(settings["eligibleUsers"] as? Int, 24)
    XCTAssertEqual(settings["evaluatedUsers"] as? Int, 24, "every user without --users")
    XCTAssertEqual(settings["hiddenReviews"] as? Int, 24)
    let pipeline = try XCTUnwrap(settings["pipeline"] as? [String: Any])
    XCTAssertEqual(pipeline["generator_model"] as? String, "offline")
    XCTAssertEqual(pipeline["extractor_model"] as? String, "statistical")
    XCTAssertEqual(pipeline["max_tokens"] as? Int, 1024)
    XCTAssertEqual(pipeline["preset"] as? String, "drp")
    XCTAssertEqual(pipeline["validation"] as? String, "use")
    let store = try ReviewStore(home: home.path)
    let marks = try store.heldOutMarks(source: "dpl")
    let samples = try XCTUnwrap(report["samples"] as? [[String: Any]])
    XCTAssertEqual(samples.count, 24 * 4)
    for sample in samples {
      let user = try XCTUnwrap(sample["user"] as? String)
      let mark = try XCTUnwrap(marks.first { $0.userID == user })
      XCTAssertEqual(sample["reviewID"] as? Int64, mark.reviewID)
      XCTAssertEqual(sample["reference"] as? String, try store.review(id: mark.reviewID)?.text)
    }
    let modes = try XCTUnwrap(report["modes"] as? [[String: Any]])
    XCTAssertEqual(modes.map { $0["samples"] as? Int }, [24, 24, 24, 24])
    let svg = try String(contentsOfFile: directory.path("r.svg"), encoding: .utf8)
    XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    XCTAssertTrue(svg.contains("24 dpl targets"))

    // The builtin IDF was fitted without any target.
    let key = BuiltinEmbedder(dimension: DRPConfig().embedder.dimension).name
    XCTAssertTrue(try store.fitExclusions(key).isSuperset(of: Set(marks.map(\.reviewID))))

    // --users draws a sample of the targets; the saved samples are reused.
    let five = try XCTUnwrap(
      try drp(
        home: home, ["eval", "--targets", "dpl", "--users", "5", "--modes", "drp", "--json"], environment: offline
      )
      .json() as? [String: Any])
    XCTAssertEqual((five["settings"] as? [String: Any])?["evaluatedUsers"] as? Int, 5)
    XCTAssertEqual(five["reusedSamples"] as? Int, 5)

    let misuse = try drp(home: home, ["eval", "--targets", "dpl", "--category", "Books"], environment: offline)
    XCTAssertEqual(misuse.status, 2, misuse.stderr)
    XCTAssertTrue(misuse.stderr.contains("apply to --targets last only"), misuse.stderr)
  }
}

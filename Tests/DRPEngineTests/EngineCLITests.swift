// CLI-level tests of drp embed, index, neighbors, peers and keys.
import DRPTestSupport
import Foundation
import XCTest

final class EngineCLITests: XCTestCase {
  func testEmbedIsIncrementalAndReportsNewReviews() throws {
    let dir = try TemporaryDirectory()
    let (home, reviews) = try EngineFixture.embeddedSample(dir, users: 30)
    let stats = try EngineFixture.json(home, ["index", "info"])
    let storeStats = try XCTUnwrap(try XCTUnwrap(stats["stats"] as? [String: Any])["store"] as? [String: Any])
    XCTAssertEqual(storeStats["reviews"] as? Int, reviews.count)
    let second = try EngineFixture.json(home, ["embed"])
    XCTAssertEqual(second["reviews_embedded"] as? Int, 0)
    XCTAssertEqual(second["users_updated"] as? Int, 0)
    XCTAssertEqual(second["index_rebuilt"] as? Bool, false)
    // One new review by an existing user: exactly one review embedded, one user updated.
    let user = reviews[0].user
    let extra = dir.path("extra.jsonl")
    try
      #"{"user_id":"\#(user)","parent_asin":"\#(reviews[0].item)","rating":2,"title":"changed my mind","text":"the hinge broke after a week","timestamp":1700000000000}"#
      .appending("\n").write(toFile: extra, atomically: true, encoding: .utf8)
    XCTAssertEqual(try drp(home: home, ["import", extra]).status, 0)
    let third = try EngineFixture.json(home, ["embed"])
    XCTAssertEqual(third["reviews_embedded"] as? Int, 1)
    XCTAssertEqual(third["users_updated"] as? Int, 1)
    XCTAssertEqual(third["idf_fitted"] as? Bool, false)
    // --rebuild re-embeds everything.
    let rebuilt = try EngineFixture.json(home, ["embed", "--rebuild"])
    XCTAssertEqual(rebuilt["reviews_embedded"] as? Int, reviews.count + 1)
    XCTAssertEqual(rebuilt["index_rebuilt"] as? Bool, true)
    XCTAssertEqual(try drp(home: home, ["embed", "--embedder", "word2vec"]).status, 2)
  }

  func testIndexBuildInfoVerifyAndCorruptFile() throws {
    let dir = try TemporaryDirectory()
    let (home, reviews) = try EngineFixture.embeddedSample(dir, users: 25)
    let users = Set(reviews.map(\.user))
    let info = try EngineFixture.json(home, ["index", "info", "--verify"])
    XCTAssertEqual(info["verified"] as? Bool, true)
    let stats = try XCTUnwrap(info["stats"] as? [String: Any])
    XCTAssertEqual(stats["indexed_users"] as? Int, users.count)
    XCTAssertEqual(stats["dimension"] as? Int, 384)
    XCTAssertTrue((stats["embedder"] as? String)?.hasPrefix("builtin-v") == true)
    let build = try EngineFixture.json(home, ["index", "build"])
    XCTAssertEqual(build["count"] as? Int, users.count)

    // Flip one byte of the vector payload: only --verify notices; the message names the repair.
    let path = home.appendingPathComponent("users.drpi").path
    var bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
    bytes[bytes.count - 100] ^= 0xFF
    try bytes.write(to: URL(fileURLWithPath: path))
    let verify = try drp(home: home, ["index", "info", "--verify"])
    XCTAssertEqual(verify.status, 1)
    XCTAssertTrue(verify.stderr.contains("drp index build"), verify.stderr)
    // Truncation is detected on every load.
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
    let neighbors = try drp(home: home, ["neighbors", reviews[0].user])
    XCTAssertEqual(neighbors.status, 1)
    XCTAssertTrue(neighbors.stderr.contains("drp embed --rebuild"), neighbors.stderr)
    XCTAssertTrue(neighbors.stderr.contains("truncated"), neighbors.stderr)
    // index build repairs it from the stored review vectors.
    XCTAssertEqual(try EngineFixture.json(home, ["index", "build"])["count"] as? Int, users.count)
    XCTAssertEqual(try drp(home: home, ["index", "info", "--verify"]).status, 0)
    for bad in [
      ["index"], ["index", "rebuild"], ["index", "info", "--vectors", "x.jsonl"], ["index", "build", "--ids", "x"],
    ] {
      XCTAssertEqual(try drp(home: home, bad).status, 2, "drp \(bad.joined(separator: " "))")
    }
  }

  func testNeighborsJSONShapeSelfExclusionAndItemFilter() throws {
    let dir = try TemporaryDirectory()
    let (home, reviews) = try EngineFixture.embeddedSample(dir, users: 40)
    let user = reviews[0].user
    let rows = try EngineFixture.rows(try EngineFixture.json(home, ["neighbors", user, "-k", "7"]), "neighbors")
    XCTAssertEqual(rows.count, 7)
    let ids = rows.compactMap { $0["id"] as? String }
    let scores = rows.compactMap { $0["score"] as? Double }
    XCTAssertEqual(ids.count, 7)
    XCTAssertFalse(ids.contains(user))
    XCTAssertEqual(Set(ids).count, 7)
    XCTAssertEqual(scores, scores.sorted(by: >), "best first")
    XCTAssertTrue(scores.allSatisfy { $0 <= 1.0001 && $0 >= -1.0001 })

    let item = reviews[0].item
    let reviewers = Set(reviews.filter { $0.item == item }.map(\.user)).subtracting([user])
    let filtered = try EngineFixture.rows(
      try EngineFixture.json(home, ["neighbors", user, "-k", "1000", "--item", item]), "neighbors")
    XCTAssertEqual(Set(filtered.compactMap { $0["id"] as? String }), reviewers)

    let text = try drp(home: home, ["neighbors", user, "-k", "3"])
    XCTAssertEqual(text.stdout.split(separator: "\n").count, 3)
    XCTAssertEqual(try drp(home: home, ["neighbors", user, "-k", "0"]).status, 2)
    XCTAssertEqual(try drp(home: home, ["neighbors"]).status, 2)
    let unknown = try drp(home: home, ["neighbors", "no-such-user"])
    XCTAssertEqual(unknown.status, 1)
    XCTAssertTrue(unknown.stderr.contains("unknown user 'no-such-user'"), unknown.stderr)
  }

  func testPeersForEveryStrategyAndKeys() throws {
    let dir = try TemporaryDirectory()
    let (home, reviews) = try EngineFixture.embeddedSample(dir, users: 40)
    let user = reviews[0].user
    let item = reviews[0].item
    let reviewers = Set(reviews.filter { $0.item == item }.map(\.user)).subtracting([user])
    XCTAssertGreaterThan(reviewers.count, 4, "the sample gives this item enough reviewers")
    for strategy in ["nearest", "diverse", "representative", "contrastive"] {
      let peers = try EngineFixture.rows(
        try EngineFixture.json(home, ["peers", user, "--item", item, "--strategy", strategy, "-n", "4"]), "peers")
      XCTAssertEqual(peers.count, 4, strategy)
      let ids = peers.compactMap { $0["id"] as? String }
      XCTAssertEqual(Set(ids).count, 4, strategy)
      XCTAssertTrue(Set(ids).isSubset(of: reviewers), "\(strategy): peers review the item")
      XCTAssertTrue(peers.allSatisfy { $0["review_id"] as? Int != nil && $0["score"] as? Double != nil }, strategy)
    }
    let keys = try EngineFixture.rows(try EngineFixture.json(home, ["keys", user, "--item", item, "-k", "3"]), "keys")
    XCTAssertLessThanOrEqual(keys.count, 3)
    XCTAssertFalse(keys.isEmpty)
    XCTAssertTrue(keys.allSatisfy { ($0["other_reviewers"] as? Int ?? 0) >= 4 && $0["item_id"] as? String != item })
    let scores = keys.compactMap { $0["score"] as? Double }
    XCTAssertEqual(scores, scores.sorted(by: >))

    let badStrategy = try drp(home: home, ["peers", user, "--item", item, "--strategy", "random"])
    XCTAssertEqual(badStrategy.status, 2)
    XCTAssertEqual(try drp(home: home, ["peers", user]).status, 2, "--item is required")
    XCTAssertEqual(try drp(home: home, ["keys", user]).status, 2, "--item is required")
    let unknownItem = try drp(home: home, ["peers", user, "--item", "no-such-item"])
    XCTAssertEqual(unknownItem.status, 1)
    XCTAssertTrue(unknownItem.stderr.contains("unknown item 'no-such-item'"), unknownItem.stderr)
    let unknownUser = try drp(home: home, ["keys", "nobody", "--item", item])
    XCTAssertEqual(unknownUser.status, 1)
    XCTAssertTrue(unknownUser.stderr.contains("unknown user 'nobody'"), unknownUser.stderr)
  }

  /// Items with 0, 1 and 2 other reviewers give 0, 1 and 2 peers whatever the strategy.
  func testItemsWithFewReviewersGiveFewerPeers() throws {
    let dir = try TemporaryDirectory()
    var reviews: [FixtureReview] = [
      FixtureReview(
        user: "target", item: "solo", title: "fine", text: "a quiet fan that moves air", time: 1_600_000_000),
      FixtureReview(
        user: "target", item: "pair", title: "ok", text: "sturdy lamp with warm light", time: 1_600_000_100),
      FixtureReview(user: "target", item: "trio", title: "good", text: "the kettle boils fast", time: 1_600_000_200),
    ]
    for (number, user) in ["p1", "p2"].enumerated() {
      reviews.append(
        FixtureReview(user: user, item: "trio", title: "nice", text: "kettle is loud \(number)", time: 1_600_001_000))
    }
    reviews.append(FixtureReview(user: "p1", item: "pair", title: "dim", text: "lamp is dim", time: 1_600_002_000))
    let home = try EngineFixture.importReviews(
      reviews, items: ["solo": "Desk Fan", "pair": "Reading Lamp", "trio": "Steel Kettle"], into: dir)
    XCTAssertEqual(try drp(home: home, ["embed"]).status, 0)
    for strategy in ["nearest", "diverse", "representative", "representative-strict", "contrastive"] {
      for (item, expected) in [("solo", 0), ("pair", 1), ("trio", 2)] {
        let peers = try EngineFixture.rows(
          try EngineFixture.json(home, ["peers", "target", "--item", item, "--strategy", strategy, "-n", "4"]), "peers")
        XCTAssertEqual(peers.count, expected, "\(strategy) on \(item)")
      }
    }
    // No item qualifies as a key sample: none has 4 other reviewers. The paper's pipeline then has
    // none; drp's fills up with the items that have any other reviewer.
    XCTAssertEqual(
      try EngineFixture.rows(
        try EngineFixture.json(home, ["keys", "target", "--item", "solo", "--preset", "paper"]), "keys"
      )
      .count, 0)
    let filled = try EngineFixture.rows(try EngineFixture.json(home, ["keys", "target", "--item", "solo"]), "keys")
    XCTAssertEqual(Set(filled.compactMap { $0["item_id"] as? String }), ["pair", "trio"])
  }

  func testIndexBuildFromJSONLVectorsAndBadFiles() throws {
    let dir = try TemporaryDirectory()
    let reviews = ["a", "b", "c"].map {
      FixtureReview(user: $0, item: "thing", title: "t", text: "words by \($0)", time: 1_600_000_000)
    }
    let home = try EngineFixture.importReviews(reviews, items: ["thing": "Thing"], into: dir)
    let vectors = dir.path("users.jsonl")
    try """
    {"id": "a", "vector": [1, 0, 0, 0]}
    {"id": "b", "vector": [0.9, 0.1, 0, 0]}

    {"id": "c", "vector": [0, 1, 0, 0]}

    """.write(toFile: vectors, atomically: true, encoding: .utf8)
    let build = try EngineFixture.json(home, ["index", "build", "--vectors", vectors])
    XCTAssertEqual(build["count"] as? Int, 3)
    XCTAssertEqual(build["dimension"] as? Int, 4)
    let rows = try EngineFixture.rows(try EngineFixture.json(home, ["neighbors", "a", "-k", "5"]), "neighbors")
    XCTAssertEqual(rows.compactMap { $0["id"] as? String }, ["b", "c"])
    XCTAssertEqual(try XCTUnwrap(rows[1]["score"] as? Double), 0, accuracy: 1e-6)
    let peers = try EngineFixture.rows(
      try EngineFixture.json(home, ["peers", "a", "--item", "thing", "--strategy", "nearest", "-n", "1"]), "peers")
    XCTAssertEqual(peers.compactMap { $0["id"] as? String }, ["b"])

    let bad: [(String, String)] = [
      ("broken.jsonl", "{\"id\": \"a\", \"vector\": [1, 0\n"),
      ("mixed.jsonl", "{\"id\": \"a\", \"vector\": [1, 0]}\n{\"id\": \"b\", \"vector\": [1, 0, 0]}\n"),
      ("zero.jsonl", "{\"id\": \"a\", \"vector\": [0, 0]}\n"),
      ("empty.jsonl", ""),
      ("vectors.txt", "1 2 3\n"),
    ]
    for (name, content) in bad {
      try content.write(toFile: dir.path(name), atomically: true, encoding: .utf8)
      let result = try drp(home: home, ["index", "build", "--vectors", dir.path(name)])
      XCTAssertEqual(result.status, 1, "\(name): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(name), "\(name): the message names the file: \(result.stderr)")
    }
    let missing = try drp(home: home, ["index", "build", "--vectors", dir.path("absent.jsonl")])
    XCTAssertEqual(missing.status, 1)
    // The good index survived the failed builds.
    XCTAssertEqual(try drp(home: home, ["neighbors", "a"]).status, 0)
  }

  func testOpenAIEmbedderNeedsAURL() throws {
    let dir = try TemporaryDirectory()
    let home = try EngineFixture.importReviews(
      [FixtureReview(user: "u", item: "i", title: "t", text: "text", time: 1_600_000_000)], items: ["i": "Item"],
      into: dir)
    let result = try drp(home: home, ["embed", "--embedder", "openai"], environment: ["DRP_EMBED_URL": ""])
    XCTAssertEqual(result.status, 1)
    XCTAssertTrue(result.stderr.contains("DRP_EMBED_URL"), result.stderr)
  }

  func testOpenAIEmbedderAgainstTheLocalServer() throws {
    let server = try TestSupport.localEmbedder()
    let dir = try TemporaryDirectory()
    let reviews = [
      FixtureReview(
        user: "tea1", item: "pot", title: "lovely", text: "brews green tea beautifully", time: 1_600_000_000),
      FixtureReview(
        user: "tea2", item: "pot", title: "great", text: "my oolong tastes wonderful from it", time: 1_600_000_100),
      FixtureReview(
        user: "car", item: "pot", title: "meh", text: "the tyre pressure gauge is inaccurate", time: 1_600_000_200),
    ]
    let home = try EngineFixture.importReviews(reviews, items: ["pot": "Teapot"], into: dir)
    let environment = ["DRP_EMBED_URL": server.url, "DRP_EMBED_MODEL": server.model]
    let embedded = try drp(home: home, ["embed", "--embedder", "openai", "--json"], environment: environment)
    XCTAssertEqual(embedded.status, 0, embedded.stderr)
    let report = try XCTUnwrap(try embedded.json() as? [String: Any])
    XCTAssertEqual(report["reviews_embedded"] as? Int, 3)
    XCTAssertTrue((report["embedder"] as? String)?.hasPrefix("openai-") == true)
    let rows = try EngineFixture.rows(try EngineFixture.json(home, ["neighbors", "tea1"]), "neighbors")
    XCTAssertEqual(rows.first?["id"] as? String, "tea2", "the neural embedder puts the two tea reviews together")
  }
}

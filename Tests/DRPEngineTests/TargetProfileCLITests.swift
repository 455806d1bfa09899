// Target-conditioned profiles, their reuse across targets, and the paper preset, through the CLI.
import DRPCore
import DRPTestSupport
import Foundation
import Synchronization
import XCTest

final class TargetProfileCLITests: XCTestCase {
  /// The key items of `user` for `item` as `drp keys --json` lists them.
  private func keys(_ home: URL, _ user: String, _ item: String, preset: String = "drp", k: Int = 8) throws
    -> [String]
  {
    let listed = try drp(home: home, ["keys", user, "--item", item, "--preset", preset, "-k", String(k), "--json"])
    XCTAssertEqual(listed.status, 0, listed.stderr)
    return (try XCTUnwrap(try listed.json() as? [String: Any])["keys"] as? [[String: Any]] ?? []).compactMap {
      $0["item_id"] as? String
    }
  }

  /// Items of the sample that `user` did not review, from the CLI.
  private func unreviewedItems(_ home: URL, _ user: String) throws -> [String] {
    let shown = try XCTUnwrap(try drp(home: home, ["users", "show", user, "--json"]).json() as? [String: Any])
    let reviewed = Set(((shown["reviews"] as? [[String: Any]]) ?? []).compactMap { $0["item_id"] as? String })
    let stats = try XCTUnwrap(try drp(home: home, ["stats", "--json"]).json() as? [String: Any])
    let count = try XCTUnwrap(stats["items"] as? Int)
    return (0..<count).map { "SI" + String(format: "%06d", $0) }.filter { !reviewed.contains($0) }
  }

  func testProfileIsBuiltForItsTarget() throws {
    let dir = try TemporaryDirectory()
    let (home, user, item) = try PipelineCLITests.prepare(dir)
    let offline = PipelineCLITests.offline

    let missing = try drp(home: home, ["profile", user], environment: offline)
    XCTAssertEqual(missing.status, 2)
    XCTAssertTrue(missing.stderr.contains("--item is required"), missing.stderr)

    let targets = try unreviewedItems(home, user)
    XCTAssertGreaterThanOrEqual(targets.count, 2)
    var keyLists: [[String]] = []
    for target in [item] + targets.filter({ $0 != item }).prefix(1) {
      let run = try drp(home: home, ["profile", user, "--item", target, "--json"], environment: offline)
      XCTAssertEqual(run.status, 0, run.stderr)
      let profile = try XCTUnwrap(try run.json() as? [String: Any])
      let provenance = try XCTUnwrap(profile["provenance"] as? [String: Any])
      let keyItems = try XCTUnwrap(provenance["keyItems"] as? [String])
      XCTAssertEqual(keyItems, try keys(home, user, target), "the profile compares exactly the keys of its target")
      XCTAssertFalse(keyItems.contains(target))
      XCTAssertEqual(profile["target"] as? String, target)
      keyLists.append(keyItems)
      let again = try drp(home: home, ["profile", user, "--item", target, "--json"], environment: offline)
      XCTAssertEqual((try again.json() as? [String: Any])?["reused"] as? Bool, true)
    }
    XCTAssertNotEqual(keyLists[0], keyLists[1], "two targets, two sets of key samples")

    let perUser = try drp(home: home, ["profile", user, "--profile-scope", "user", "--json"], environment: offline)
    XCTAssertEqual(perUser.status, 0, perUser.stderr)
    // The documented document (PROTOCOL.md, `profile`; the same `ProfileDocument` the server returns):
    // every key present, `target` null for a per-user profile.
    let document = try XCTUnwrap(try perUser.json() as? [String: Any])
    XCTAssertEqual(
      Set(document.keys),
      ["dimensions", "summary", "mode", "target", "differences", "provenance", "stats", "failures", "reused"])
    XCTAssertTrue(document["target"] is NSNull, "\(document["target"] ?? "absent")")
  }

  /// With an LLM, a second target of the same user pays only for its new key items (discovery and
  /// validation of the others come from the cache), plus the synthesis and the generation.
  func testSecondTargetPaysOnlyForNewKeyItems() throws {
    // Answers quote a digest of their request, so prompts built from them differ as their inputs do.
    let chat = try FakeHTTPServer { request, _ in
      let digest = request.body.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
      return OpenAIReplies.reply(
        OpenAIReplies.pipelineAnswer.replacingOccurrences(of: "warmer than peers", with: "warmer (\(digest))"))
    }
    let dir = try TemporaryDirectory()
    let (home, user, item) = try PipelineCLITests.prepare(dir)
    let env = ["DRP_LLM_URL": chat.baseURL, "DRP_LLM_MODEL": "m", "DRP_REASONER_URL": "", "DRP_CONFIG": ""]
    // Three key samples of the user's dozen history items: targets choose different ones.
    let firstKeys = try keys(home, user, item, k: 3)
    XCTAssertEqual(firstKeys.count, 3)
    var other: String?
    for candidate in try unreviewedItems(home, user) where candidate != item {
      let fresh = Set(try keys(home, user, candidate, k: 3)).subtracting(firstKeys).count
      if fresh > 0 && fresh < 3 {
        other = candidate
        break
      }
    }
    let second = try XCTUnwrap(other, "a target sharing some but not all key items with the first")
    let fresh = Set(try keys(home, user, second, k: 3)).subtracting(firstKeys).count

    func calls(_ target: String) throws -> Int {
      let run = try drp(home: home, ["generate", user, "--item", target, "-K", "3", "--json"], environment: env)
      XCTAssertEqual(run.status, 0, run.stderr)
      return try XCTUnwrap((try run.json() as? [String: Any])?["llm_calls"] as? Int)
    }
    XCTAssertEqual(try calls(item), 3 + 3 + 1 + 1, "cold: discovery and validation per key item, synthesis, review")
    XCTAssertEqual(
      try calls(second), 2 * fresh + 1 + 1, "only the \(fresh) new key items, the synthesis and the review")
    XCTAssertEqual(try calls(second), 0, "the same target again: everything cached")
  }

  /// `--preset paper`: every request carries the released pipeline's sampling, the summary is
  /// written by the generation model from the differences and past reviews with their items, and
  /// the review is generated from the summary alone.
  func testPaperPresetRequests() throws {
    let requests = Mutex<[Data]>([])
    let chat = try FakeHTTPServer { request, _ in
      requests.withLock { $0.append(request.body) }
      let body = request.json
      let prompt = (body["messages"] as? [[String: Any]])?.compactMap { $0["content"] as? String }.joined() ?? ""
      if prompt.contains("[Review]:") {
        return OpenAIReplies.reply("[Review]: A fine kettle, really.")
      }
      if prompt.contains("[Summary]:") {
        return OpenAIReplies.reply("[Summary]: Terse and upbeat.")
      }
      return OpenAIReplies.reply(
        "--- [Writing Style] ---\nDefinition: word choice\nDifference Description: shorter sentences")
    }
    let dir = try TemporaryDirectory()
    let (home, user, item) = try PipelineCLITests.prepare(dir)
    let config = dir.path("paper.json")
    try
      #"{"llm": {"url": "\#(chat.baseURL)", "model": "writer"}, "reasoner": {"url": "\#(chat.baseURL)", "model": "thinker"}}"#
      .write(toFile: config, atomically: true, encoding: .utf8)
    let run = try drp(
      home: home,
      ["generate", user, "--item", item, "--title", "Nice", "--rating", "5", "--preset", "paper", "--json"],
      environment: ["DRP_CONFIG": config, "DRP_LLM_URL": "", "DRP_REASONER_URL": ""])
    XCTAssertEqual(run.status, 0, run.stderr)
    let result = try XCTUnwrap(try run.json() as? [String: Any])
    XCTAssertEqual(result["review"] as? String, "A fine kettle, really.", "only the [Review]: label is removed")
    let sent = try requests.withLock { $0 }.map {
      try XCTUnwrap(JSONSerialization.jsonObject(with: $0) as? [String: Any])
    }
    let keyCount = try keys(home, user, item, preset: "paper").count
    XCTAssertGreaterThan(keyCount, 0)
    XCTAssertEqual(sent.count, 2 * keyCount + 2, "discovery and (recorded) validation per key item, summary, review")
    for body in sent {
      XCTAssertEqual(body["temperature"] as? Double, 0)
      XCTAssertEqual(body["top_p"] as? Double, 0.95)
      XCTAssertEqual(body["seed"] as? Int, 42)
      XCTAssertEqual(body["max_tokens"] as? Int, 4096)
    }
    func prompt(_ body: [String: Any]) -> String {
      (body["messages"] as? [[String: Any]])?.compactMap { $0["content"] as? String }.joined(separator: "\n") ?? ""
    }
    let summary = try XCTUnwrap(sent.first { prompt($0).contains("[Summary]:") })
    XCTAssertEqual(summary["model"] as? String, "writer", "the paper's summary runs on the generation model")
    XCTAssertTrue(prompt(summary).contains("shorter sentences"), "the raw differences reach the summary")
    XCTAssertTrue(prompt(summary).contains("<item_title>"), "past reviews come with their items")
    let generation = try XCTUnwrap(sent.last)
    XCTAssertEqual(generation["model"] as? String, "writer")
    XCTAssertTrue(prompt(generation).contains("Terse and upbeat."))
    XCTAssertFalse(prompt(generation).contains("shorter sentences"), "generation sees the summary only")
    XCTAssertTrue(prompt(generation).contains("<item_title>"))
    XCTAssertTrue(sent.filter { $0["model"] as? String == "thinker" }.count == 2 * keyCount)
  }

  /// An answer cut off at max_tokens is counted, not silent.
  func testTruncatedGenerationIsCounted() throws {
    let chat = try FakeHTTPServer { _, _ in OpenAIReplies.reply("A review that stops in the mid", finish: "length") }
    let dir = try TemporaryDirectory()
    let (home, user, item) = try PipelineCLITests.prepare(dir)
    let run = try drp(
      home: home, ["generate", user, "--item", item, "--mode", "rag", "--json"],
      environment: ["DRP_LLM_URL": chat.baseURL, "DRP_LLM_MODEL": "m", "DRP_REASONER_URL": "", "DRP_CONFIG": ""])
    XCTAssertEqual(run.status, 0, run.stderr)
    let stats = try XCTUnwrap((try run.json() as? [String: Any])?["stats"] as? [String: Any])
    let generate = try XCTUnwrap((stats["stages"] as? [String: Any])?["generate"] as? [String: Any])
    XCTAssertEqual(generate["truncated"] as? Int, 1)
    XCTAssertTrue(run.stderr.contains("cut off at max_tokens"), run.stderr)
  }
}

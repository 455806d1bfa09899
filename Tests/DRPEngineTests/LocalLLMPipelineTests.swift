import DRPTestSupport
import XCTest

/// The whole `drp` pipeline with the real local model (SmolLM2-135M via llama-server) on two real
/// users of the 2018 magazine/gift-card data: import → embed → profile (drp) → generate.
///
/// A 135M model often writes output no parser can read, so the checks do not depend on its
/// quality: every key sample either contributed parsed (and validated) dimensions, or its
/// extraction failed on every attempt — then the failure must be recorded, retried and not used.
/// Whatever happened, a rebuild from the cache must make zero LLM calls.
final class LocalLLMPipelineTests: XCTestCase {
  /// Small budgets: the model runs on a shared 2-core CPU.
  private let knobs = [
    "-K", "2", "--peers", "2", "--samples", "1", "--thinking-budget", "24", "--max-tokens", "48", "--retries", "1",
    "--prompt-budget", "120",
  ]
  private let retries = 1
  private let timeout: TimeInterval = 600

  func testProfileAndGenerateWithTheLocalModel() throws {
    let llm = try LocalLLMProbe.usableLLM()
    let reviewsFile = try TestSupport.sharedDataFile("amazon2018_5core_magazine_giftcards.reviews.jsonl")
    let itemsFile = try TestSupport.sharedDataFile("amazon2018_5core_magazine_giftcards.items.jsonl")
    let dir = try TemporaryDirectory()
    let home = dir.url.appendingPathComponent("home")
    let prompts = dir.url.appendingPathComponent("prompts")
    try FileManager.default.createDirectory(at: prompts, withIntermediateDirectories: true)
    try TinyPrompts.write(to: prompts)
    let config = dir.url.appendingPathComponent("drp.json")
    try #"{"llm": {"timeout_s": 90, "max_retries": 0, "concurrency": 1}}"#.write(
      to: config, atomically: true, encoding: .utf8)
    let env = [
      "DRP_LLM_URL": llm.url, "DRP_LLM_MODEL": llm.model, "DRP_REASONER_URL": "", "DRP_REASONER_MODEL": "",
      "DRP_PROMPTS": prompts.path, "DRP_CONFIG": config.path, "DRP_EMBED_URL": "",
    ]
    XCTAssertEqual(try drp(home: home, ["import", itemsFile.path, reviewsFile.path]).status, 0)
    XCTAssertEqual(try drp(home: home, ["embed"], environment: env).status, 0)
    let listed = try XCTUnwrap(
      try drp(home: home, ["users", "list", "--limit", "2000", "--json"]).json() as? [[String: Any]])
    let users = listed.filter { ($0["reviewCount"] as? Int ?? $0["review_count"] as? Int ?? 0) >= 6 }
      .compactMap { $0["id"] as? String }.prefix(2)
    XCTAssertEqual(users.count, 2, "two users with at least 6 reviews")
    let target = "B00005N7OV"

    for user in users {
      let first = try drp(
        home: home, ["profile", user, "--item", target, "--json"] + knobs, environment: env, timeout: timeout)
      XCTAssertEqual(first.status, 0, first.stderr)
      let profile = try XCTUnwrap(try first.json() as? [String: Any])
      try checkProfile(profile, user: user)
      XCTAssertTrue(first.stderr.contains("extract:"), "the call budget is printed: \(first.stderr)")

      // A rebuild replays every reply from the cache: zero calls, the same profile.
      let rebuilt = try drp(
        home: home, ["profile", user, "--item", target, "--refresh", "--json"] + knobs, environment: env,
        timeout: timeout)
      let again = try XCTUnwrap(try rebuilt.json() as? [String: Any])
      XCTAssertEqual(total(again, "calls"), 0, "the rebuild called the model: \(rebuilt.stderr)")
      XCTAssertEqual(total(again, "cache_hits"), total(profile, "calls"))
      XCTAssertEqual(
        (again["dimensions"] as? [[String: Any]])?.compactMap { $0["name"] as? String },
        (profile["dimensions"] as? [[String: Any]])?.compactMap { $0["name"] as? String })
      XCTAssertEqual(again["summary"] as? String, profile["summary"] as? String)

      // Generation reuses the stored profile; the review is cached too.
      let generated = try drp(
        home: home, ["generate", user, "--item", target, "--mode", "drp", "--json"] + knobs, environment: env,
        timeout: timeout)
      XCTAssertEqual(generated.status, 0, generated.stderr)
      let review = try XCTUnwrap(try generated.json() as? [String: Any])
      XCTAssertFalse((review["review"] as? String ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
      XCTAssertEqual(review["mode"] as? String, "drp")
      // The LLM wrote it: one generate call, or, when this user's prompt equals an earlier user's
      // (at a 120-token budget the history is cut away, and two empty profiles read the same),
      // that call's cached reply. The first user's generate always reaches the model.
      let generateStage = (review["stats"] as? [String: Any]).flatMap { $0["stages"] as? [String: [String: Int]] }?[
        "generate"]
      XCTAssertEqual((generateStage?["calls"] ?? 0) + (generateStage?["cache_hits"] ?? 0), 1, generated.stderr)
      XCTAssertEqual(review["llm_calls"] as? Int, generateStage?["calls"])
      if user == users.first { XCTAssertEqual(review["llm_calls"] as? Int, 1, "a fresh home has no cached reply") }
      let repeated = try drp(
        home: home, ["generate", user, "--item", target, "--mode", "drp", "--json"] + knobs, environment: env,
        timeout: timeout)
      let cached = try XCTUnwrap(try repeated.json() as? [String: Any])
      XCTAssertEqual(cached["llm_calls"] as? Int, 0)
      XCTAssertEqual(cached["review"] as? String, review["review"] as? String)
    }
  }

  /// Every key sample either produced parsed dimensions that went through validation, or failed
  /// on all 1 + retries attempts with the failures recorded and nothing of it used.
  private func checkProfile(_ profile: [String: Any], user: String) throws {
    XCTAssertEqual(profile["mode"] as? String, "drp")
    XCTAssertFalse((profile["summary"] as? String ?? "").isEmpty)
    let provenance = try XCTUnwrap(profile["provenance"] as? [String: Any])
    let keyItems = try XCTUnwrap(provenance["keyItems"] as? [String])
    XCTAssertEqual(keyItems.count, 2, "K = 2 key samples for \(user)")
    let failures = try XCTUnwrap(profile["failures"] as? [[String: Any]])
    let dimensions = try XCTUnwrap(profile["dimensions"] as? [[String: Any]])
    let stages = try XCTUnwrap((profile["stats"] as? [String: Any])?["stages"] as? [String: [String: Int]])
    let extractFailures = failures.filter { $0["stage"] as? String == "extract" }
    let failedItems = Set(
      extractFailures.filter { $0["final"] as? Bool == true }.compactMap { $0["item_id"] as? String })
    let parsedItems = keyItems.filter { !failedItems.contains($0) }
    XCTAssertGreaterThanOrEqual(stages["extract"]?["calls"] ?? 0, 2)
    for item in failedItems {
      let attempts = extractFailures.filter { $0["item_id"] as? String == item }.compactMap { $0["attempt"] as? Int }
      XCTAssertEqual(attempts.sorted(), Array(0...retries), "item \(item) was retried \(retries) time(s)")
    }
    if !parsedItems.isEmpty {
      XCTAssertGreaterThanOrEqual(stages["validate"]?["calls"] ?? 0, 1, "validation ran for \(parsedItems)")
    }
    for failure in failures { XCTAssertFalse((failure["reason"] as? String ?? "").isEmpty) }
    for d in dimensions {
      XCTAssertFalse((d["name"] as? String ?? "").isEmpty)
      XCTAssertGreaterThanOrEqual(d["support"] as? Int ?? 0, 1)
      XCTAssertLessThanOrEqual(d["support"] as? Int ?? 0, parsedItems.count, "support only from parsed key samples")
    }
    if parsedItems.isEmpty { XCTAssertTrue(dimensions.isEmpty, "failed extractions were used") }
  }

  private func total(_ profile: [String: Any], _ key: String) -> Int {
    let stages = (profile["stats"] as? [String: Any])?["stages"] as? [String: [String: Int]] ?? [:]
    return stages.values.reduce(0) { $0 + ($1[key] ?? 0) }
  }
}

import DRPCore
import DRPEngine
import DRPReasoning
import DRPStore
import DRPTestSupport
import XCTest

/// `drp profile` and `drp generate` end to end without a model: sample → import → embed →
/// profile → generate, every mode, the JSON shapes, stored profiles and bad input.
final class PipelineCLITests: XCTestCase {
  /// No LLM: the test must not pick one up from the caller's environment.
  static let offline = ["DRP_LLM_URL": "", "DRP_REASONER_URL": "", "DRP_CONFIG": ""]

  static func prepare(_ dir: TemporaryDirectory) throws -> (home: URL, user: String, item: String) {
    let home = dir.url.appendingPathComponent("home")
    let sample = dir.url.appendingPathComponent("sample")
    XCTAssertEqual(try drp(home: home, ["sample", "--out", sample.path, "--users", "30"]).status, 0)
    let imported = try drp(
      home: home,
      [
        "import", sample.appendingPathComponent("items.jsonl").path,
        sample.appendingPathComponent("reviews.jsonl").path,
      ])
    XCTAssertEqual(imported.status, 0, imported.stderr)
    XCTAssertEqual(try drp(home: home, ["embed"], environment: offline).status, 0)
    let users = try XCTUnwrap(try drp(home: home, ["users", "list", "--json"]).json() as? [[String: Any]])
    let user = try XCTUnwrap(users.first?["id"] as? String)
    let shown = try XCTUnwrap(try drp(home: home, ["users", "show", user, "--json"]).json() as? [String: Any])
    let reviewed = Set(((shown["reviews"] as? [[String: Any]]) ?? []).compactMap { $0["item_id"] as? String })
    let items = try String(contentsOf: sample.appendingPathComponent("items.jsonl"), encoding: .utf8)
      .split(separator: "\n").compactMap { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["parent_asin"] as? String
      }
    let item = try XCTUnwrap(items.first { !reviewed.contains($0) }, "an item the user did not review")
    return (home, user, item)
  }

  func testProfileAndGenerateOffline() throws {
    let dir = try TemporaryDirectory()
    let (home, user, item) = try Self.prepare(dir)

    let run = try drp(home: home, ["profile", user, "--item", item, "--json"], environment: Self.offline)
    XCTAssertEqual(run.status, 0, run.stderr)
    let profile = try XCTUnwrap(try run.json() as? [String: Any])
    XCTAssertEqual(profile["mode"] as? String, "drp")
    XCTAssertEqual(profile["reused"] as? Bool, false)
    XCTAssertFalse((profile["summary"] as? String ?? "").isEmpty)
    let dimensions = try XCTUnwrap(profile["dimensions"] as? [[String: Any]])
    XCTAssertFalse(dimensions.isEmpty, "the sample personas differ from their peers")
    for d in dimensions {
      XCTAssertEqual(Set(d.keys), ["name", "definition", "description", "evidence", "support"])
      XCTAssertNotNil(d["evidence"] as? [String])
      XCTAssertGreaterThan(d["support"] as? Int ?? 0, 0)
    }
    XCTAssertNotNil(profile["stats"] as? [String: Any])
    XCTAssertTrue(run.stderr.contains("LLM budget for \(user)"), run.stderr)

    let again = try drp(home: home, ["profile", user, "--item", item, "--json"], environment: Self.offline)
    XCTAssertEqual((try again.json() as? [String: Any])?["reused"] as? Bool, true)
    let refreshed = try drp(
      home: home, ["profile", user, "--item", item, "--refresh", "--json"], environment: Self.offline)
    XCTAssertEqual((try refreshed.json() as? [String: Any])?["reused"] as? Bool, false)

    let dpl = try XCTUnwrap(
      try drp(home: home, ["profile", user, "--item", item, "--mode", "dpl", "--json"], environment: Self.offline)
        .json()
        as? [String: Any])
    XCTAssertEqual(dpl["mode"] as? String, "dpl")
    let dplNames = Set(((dpl["dimensions"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
    XCTAssertTrue(dplNames.isSubset(of: Set(Orchestrator.baseDimensions)), "\(dplNames)")
    XCTAssertFalse(dplNames.isEmpty)

    var reviews: [String: String] = [:]
    for mode in ["nonp", "rag", "dpl", "drp"] {
      let generated = try drp(
        home: home, ["generate", user, "--item", item, "--rating", "5", "--mode", mode, "--json"],
        environment: Self.offline)
      XCTAssertEqual(generated.status, 0, generated.stderr)
      let json = try XCTUnwrap(try generated.json() as? [String: Any])
      XCTAssertEqual(Set(json.keys), ["review", "mode", "llm_calls", "tokens", "stats"])
      XCTAssertEqual(json["mode"] as? String, mode)
      XCTAssertEqual(json["llm_calls"] as? Int, 0)
      XCTAssertEqual(json["tokens"] as? Int, 0)
      let review = try XCTUnwrap(json["review"] as? String)
      XCTAssertGreaterThan(review.split(separator: " ").count, 3, review)
      reviews[mode] = review
    }
    XCTAssertNotEqual(reviews["nonp"], reviews["rag"], "history changes the offline review")

    let plain = try drp(
      home: home, ["generate", user, "--item", item, "--rating", "5", "--stream"], environment: Self.offline)
    XCTAssertEqual(plain.status, 0, plain.stderr)
    XCTAssertEqual(plain.stdout.trimmingCharacters(in: .whitespacesAndNewlines), reviews["drp"])
  }

  func testStaleProfileIsRebuilt() async throws {
    let dir = try TemporaryDirectory()
    let (home, user, item) = try Self.prepare(dir)
    let engine = try Engine(home: home.path, config: DRPConfig())
    let target = ProfileTarget(itemID: item)
    let first = try await engine.profile(user: user, target: target)
    XCTAssertFalse(first.reused)
    let second = try await engine.profile(user: user, target: target)
    XCTAssertTrue(second.reused)
    XCTAssertEqual(second.profile, first.profile)
    // A review stored through another store on the same file (as `drp import` in another process
    // would) changes the user's review set: the stored profile is stale.
    let other = try ReviewStore(home: home.path)
    let known = try XCTUnwrap(try other.reviews(ofUser: user).last)
    try other.addReview(
      Review(
        userID: user, itemID: known.itemID, rating: 2, title: "later", text: "A later thought on the same thing.",
        timestamp: known.timestamp + 1))
    let third = try await engine.profile(user: user, target: target)
    XCTAssertFalse(third.reused, "a stale profile is rebuilt")
    let fourth = try await engine.profile(user: user, target: target)
    XCTAssertTrue(fourth.reused, "the rebuilt profile is stored")
    // Held-out reviews make a different stored variant.
    let held = try XCTUnwrap(try engine.store.reviews(ofUser: user).first?.id)
    let heldOut = try await engine.profile(user: user, target: target, excluding: [held])
    XCTAssertFalse(heldOut.reused)
    XCTAssertFalse(heldOut.profile.provenance.keyItems.isEmpty)
  }

  /// The knob flags' usage (`drp profile --help`, `generate`, `eval`) shows the real defaults of
  /// `PipelineOptions()` and of the configuration's `pipeline` section, for every knob.
  func testUsageShowsTheRealDefaults() throws {
    let options = PipelineOptions()
    let config = PipelineConfig()
    let expected: [(flag: String, shown: String)] = [
      ("--preset P", "(default pipeline.preset, \(config.preset.rawValue))"),
      ("--profile-scope S", "(default pipeline.profile_scope, \(config.profileScope.rawValue))"),
      ("--samples N", "(default pipeline.samples, \(config.samples))"),
      ("--validation V", "(default pipeline.validation, \(config.validation.rawValue))"),
      ("--min-other-reviewers N", "(default pipeline.min_other_reviewers, \(config.minOtherReviewers))"),
      ("--thinking-budget N", "(default pipeline.thinking_budget, \(config.thinkingBudget))"),
      ("-K, --key-samples N", "(default pipeline.key_samples, \(config.keySamples))"),
      ("--peers N", "(default pipeline.peers, \(config.peers))"),
      ("--strategy S", "(default pipeline.peer_strategy, \(config.peerStrategy))"),
      ("--history N", "(default pipeline.history, \(config.history))"),
      ("--max-tokens N", "(default pipeline.max_tokens, \(config.maxTokens))"),
      ("--temperature T", "(default \(options.temperature))"),
      ("--top-p P", "(default \(options.topP.map { "\($0)" } ?? "not sent"))"),
      ("--seed N", "(default \(options.seed ?? 0))"),
      ("--retries N", "(default \(options.retries))"),
      ("--prompt-budget N", "(default \(options.promptBudget))"),
      ("--structured-output M", "(default reasoner.structured_output, \(options.structuredOutput.rawValue))"),
    ]
    let dir = try TemporaryDirectory()
    for command in ["profile", "generate", "eval"] {
      let help = try drp(home: dir.url, [command, "--help"]).stdout
      let lines = help.split(separator: "\n").map(String.init)
      for (knob, shown) in expected {
        // `drp eval` names the LLM seed `--llm-seed` (its `--seed` draws the users).
        let flag = command == "eval" && knob == "--seed N" ? "--llm-seed N" : knob
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  \(flag) ") }) else {
          XCTFail("\(command) --help lacks \(flag)")
          continue
        }
        // The flag's text runs until the next flag line.
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("  -") } ?? lines.endIndex
        XCTAssertTrue(lines[start..<end].joined(separator: " ").contains(shown), "\(command) \(flag): \(lines[start])")
      }
    }
  }

  func testBadArguments() throws {
    let dir = try TemporaryDirectory()
    let (home, user, item) = try Self.prepare(dir)
    let usage: [([String], String)] = [
      (["profile"], "exactly one USER"),
      (["profile", user, "--mode", "rag"], "drp or dpl"),
      (["profile", user, "--mode", "best"], "--mode"),
      (["profile", user, "--samples", "0"], "--samples"),
      (["profile", user, "-K", "x"], "--key-samples"),
      (["profile", user, "--temperature", "hot"], "--temperature"),
      (["generate", user], "--item is required"),
      (["generate", user, "--item", item, "--rating", "9"], "--rating"),
      (["generate", user, "--item", item, "--max-tokens", "0"], "--max-tokens"),
      (["profile", user, "--structured-output", "json"], "--structured-output: expected one of none, json_schema"),
    ]
    for (arguments, message) in usage {
      let result = try drp(home: home, arguments, environment: Self.offline)
      XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
    let runtime: [([String], String)] = [
      (["profile", "nobody", "--item", item], "unknown user"),
      (["generate", user, "--item", "no-such-item"], "unknown item"),
    ]
    for (arguments, message) in runtime {
      let result = try drp(home: home, arguments, environment: Self.offline)
      XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }
}

/// Structured output through the CLI and the engine: the flag, the environment and the message
/// when the reasoning server rejects `response_format`.
final class StructuredOutputCLITests: XCTestCase {
  func testRejectedResponseFormatNamesTheSetting() throws {
    let dir = try TemporaryDirectory()
    let (home, user, item) = try PipelineCLITests.prepare(dir)
    let server = try FakeHTTPServer { request, _ in
      request.json["response_format"] == nil
        ? .respond(status: 200, body: OpenAIReplies.chat(#"{"summary": "Writes like the others."}"#))
        : .respond(status: 400, body: #"{"error":{"message":"'response_format' is not supported"}}"#)
    }
    let reasoner = PipelineCLITests.offline.merging([
      "DRP_REASONER_URL": server.baseURL, "DRP_REASONER_MODEL": "m", "DRP_REASONER_STRUCTURED_OUTPUT": "",
    ]) { _, new in new }
    let flagged = try drp(
      home: home, ["profile", user, "--item", item, "-K", "1", "--structured-output", "json_schema"],
      environment: reasoner)
    XCTAssertEqual(flagged.status, 1, flagged.stderr)
    XCTAssertTrue(
      flagged.stderr.contains(
        "drp: error: reasoner.structured_output=json_schema was rejected by \(server.baseURL)/chat/completions: "
          + "'response_format' is not supported; set it to none"), flagged.stderr)

    var environment = reasoner
    environment["DRP_REASONER_STRUCTURED_OUTPUT"] = "json_object"
    let fromEnvironment = try drp(home: home, ["profile", user, "--item", item, "-K", "1"], environment: environment)
    XCTAssertEqual(fromEnvironment.status, 1, fromEnvironment.stderr)
    XCTAssertTrue(fromEnvironment.stderr.contains("reasoner.structured_output=json_object was rejected"))

    // The flag overrides the environment; without response_format the server answers.
    let sent = server.requests.count
    XCTAssertEqual(sent, 2)
    XCTAssertTrue(server.requests.allSatisfy { $0.json["response_format"] != nil })
    let off = try drp(
      home: home, ["profile", user, "--item", item, "-K", "1", "--structured-output", "none", "--json"],
      environment: environment)
    XCTAssertEqual(off.status, 0, off.stderr)
    XCTAssertEqual((try off.json() as? [String: Any])?["mode"] as? String, "drp")
    XCTAssertGreaterThan(server.requests.count, sent)
    XCTAssertTrue(server.requests.dropFirst(sent).allSatisfy { $0.json["response_format"] == nil })
  }

  /// A prompt over the model's context is answered 400 by the server (llama.cpp's wording here):
  /// the pipeline does not send it again with another seed, and the message says what to change.
  func testPromptOverTheContextIsNotRetriedAndNamesThePromptBudget() throws {
    let dir = try TemporaryDirectory()
    let (home, user, item) = try PipelineCLITests.prepare(dir)
    let overflow =
      #"{"error":{"code":400,"message":"request (5031 tokens) exceeds the available context size (2048 tokens), "#
      + #"try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5031,"n_ctx":2048}}"#
    let server = try FakeHTTPServer { _, _ in .respond(status: 400, body: overflow) }
    let environment = PipelineCLITests.offline.merging([
      "DRP_LLM_URL": server.baseURL, "DRP_LLM_MODEL": "m", "DRP_REASONER_URL": server.baseURL,
      "DRP_REASONER_MODEL": "m",
    ]) { _, new in new }
    let profiled = try drp(
      home: home, ["profile", user, "--item", item, "-K", "2", "--retries", "2", "--json"], environment: environment)
    XCTAssertEqual(profiled.status, 0, profiled.stderr)
    XCTAssertEqual(server.requests.count, 2, "one request per key sample, none repeated: \(profiled.stderr)")
    XCTAssertTrue(profiled.stderr.contains("lower the prompt budget, --prompt-budget"), profiled.stderr)
    let profile = try XCTUnwrap(try profiled.json() as? [String: Any])
    let failures = try XCTUnwrap(profile["failures"] as? [[String: Any]])
    XCTAssertEqual(failures.count, 2)
    XCTAssertTrue(failures.allSatisfy { $0["final"] as? Bool == true && $0["attempt"] as? Int == 0 }, "\(failures)")

    let generated = try drp(
      home: home, ["generate", user, "--item", item, "--mode", "rag", "--retries", "2"], environment: environment)
    XCTAssertEqual(generated.status, 1, generated.stderr)
    XCTAssertEqual(server.requests.count, 3, "the generation was sent once")
    XCTAssertTrue(generated.stderr.contains("exceeds the available context size"), generated.stderr)
    XCTAssertTrue(generated.stderr.contains("--prompt-budget"), generated.stderr)
  }

  func testEngineDefaultsComeFromTheReasonerSection() throws {
    let dir = try TemporaryDirectory()
    var config = DRPConfig()
    config.reasoner.structuredOutput = .jsonSchema
    let engine = try Engine(home: dir.url.path, config: config)
    XCTAssertEqual(try engine.pipelineOptions().structuredOutput, .jsonSchema)
    XCTAssertEqual(try Engine(home: dir.path("other"), config: DRPConfig()).pipelineOptions().structuredOutput, .none)
  }
}

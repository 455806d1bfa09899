// `drp eval --preset paper --json` records the released pipeline's settings, LLM calls per target
// and answers cut at max_tokens.
import DRPTestSupport
import XCTest

final class EvalPaperSettingsTests: XCTestCase {
  /// Every reply stops at `max_tokens` (`finish_reason: length`): the report counts one cut answer
  /// and one call per nonp target, and `settings.pipeline` holds the paper preset's sampling.
  func testPaperPresetSettingsCallsPerTargetAndTruncation() throws {
    let directory = try TemporaryDirectory("drp-eval-paper")
    let home = directory.url.appendingPathComponent("home")
    let sample = directory.path("sample")
    for arguments in [
      ["sample", "--out", sample, "--users", "12", "--items", "8", "--reviews-per-user", "6", "--seed", "5"],
      ["--home", home.path, "import", sample + "/reviews.jsonl", sample + "/items.jsonl"],
      ["--home", home.path, "embed"],
    ] {
      let result = try runProcess(TestSupport.drpBinary, arguments)
      XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
    }
    let server = try FakeHTTPServer { _, _ in
      OpenAIReplies.reply("A review cut short by the token limit", finish: "length")
    }
    defer { server.stop() }
    let result = try drp(
      home: home, ["eval", "--users", "3", "--modes", "nonp", "--preset", "paper", "--seed", "1", "--json"],
      environment: ["DRP_LLM_URL": server.baseURL, "DRP_LLM_MODEL": "gen", "DRP_REASONER_URL": ""], timeout: 120)
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try XCTUnwrap(result.json() as? [String: Any])
    let row = try XCTUnwrap((report["modes"] as? [[String: Any]])?.first)
    XCTAssertEqual(row["samples"] as? Int, 3)
    XCTAssertEqual(row["llmCalls"] as? Int, 3)
    XCTAssertEqual(row["llmCallsPerTarget"] as? Double, 1.0)
    XCTAssertEqual(row["truncated"] as? Int, 3, "every generation stopped at max_tokens")
    let pipeline = try XCTUnwrap((report["settings"] as? [String: Any])?["pipeline"] as? [String: Any])
    XCTAssertEqual(pipeline["preset"] as? String, "paper")
    XCTAssertEqual(pipeline["temperature"] as? Double, 0)
    XCTAssertEqual(pipeline["top_p"] as? Double, 0.95)
    XCTAssertEqual(pipeline["seed"] as? Int, 42, "--seed draws the users; the calls keep the preset's seed")
    XCTAssertEqual((report["settings"] as? [String: Any])?["seed"] as? Int, 1)
    XCTAssertEqual(pipeline["max_tokens"] as? Int, 4096)
    XCTAssertEqual(pipeline["validation"] as? String, "record")
    XCTAssertEqual(pipeline["generator_model"] as? String, "gen")
    XCTAssertEqual(pipeline["summarizer_model"] as? String, "gen", "the paper summarises on the generator")
    let samples = try XCTUnwrap(report["samples"] as? [[String: Any]])
    XCTAssertEqual(samples.map { $0["truncated"] as? Int }, [1, 1, 1])

    let markdown = try drp(
      home: home, ["eval", "--users", "3", "--modes", "nonp", "--preset", "paper", "--llm-seed", "7"],
      environment: ["DRP_LLM_URL": server.baseURL, "DRP_LLM_MODEL": "gen", "DRP_REASONER_URL": ""], timeout: 120)
    XCTAssertEqual(markdown.status, 0, markdown.stderr)
    XCTAssertTrue(markdown.stdout.contains("| calls/target | cut |"), markdown.stdout)
    XCTAssertTrue(markdown.stdout.contains("| 3 | 1.0 | 3 |"), markdown.stdout)
    XCTAssertTrue(markdown.stdout.contains("top_p 0.95, seed 7,"), markdown.stdout)
  }
}

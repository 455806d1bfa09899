// `drp eval` end to end on the generated sample data: JSON shape, metric ranges, samples, resume,
// usage errors.
import DRPTestSupport
import XCTest

final class EvalCommandTests: XCTestCase {
  /// `drp sample` → `drp import` → `drp embed` into a fresh home.
  private func makeHome(_ directory: TemporaryDirectory) throws -> URL {
    let home = directory.url.appendingPathComponent("home")
    let sample = directory.path("sample")
    for arguments in [
      ["sample", "--out", sample, "--users", "40", "--items", "15", "--reviews-per-user", "7", "--seed", "3"],
      ["--home", home.path, "import", sample + "/reviews.jsonl", sample + "/items.jsonl"],
      ["--home", home.path, "embed"],
    ] {
      let result = try runProcess(TestSupport.drpBinary, arguments)
      XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
    }
    return home
  }

  private func eval(_ home: URL, _ extra: [String] = []) throws -> (report: [String: Any], stderr: String) {
    let result = try drp(
      home: home, ["eval", "--users", "5", "--modes", "nonp,rag,dpl,drp", "--seed", "11", "--json"] + extra,
      environment: ["DRP_LLM_URL": "", "DRP_REASONER_URL": ""], timeout: 300)
    XCTAssertEqual(result.status, 0, result.stderr)
    return (try XCTUnwrap(result.json() as? [String: Any]), result.stderr)
  }

  func testReportShapeMetricsSamplesAndResume() throws {
    let directory = try TemporaryDirectory("drp-eval-cli")
    let home = try makeHome(directory)
    let started = Date()
    let (first, progress) = try eval(home, ["--out", directory.path("report.json")])
    let firstSeconds = Date().timeIntervalSince(started)

    let modes = try XCTUnwrap(first["modes"] as? [[String: Any]])
    XCTAssertEqual(modes.map { $0["mode"] as? String }, ["nonp", "rag", "dpl", "drp"])
    for row in modes {
      XCTAssertEqual(row["samples"] as? Int, 5)
      for metric in ["rouge1", "rougeL", "meteor", "bleu"] {
        let interval = try XCTUnwrap(row[metric] as? [String: Double], metric)
        let (estimate, lower, upper) = (interval["estimate"]!, interval["lower"]!, interval["upper"]!)
        let top = metric == "bleu" ? 100.0 : 1.0
        XCTAssertTrue(
          (0...top).contains(estimate) && lower <= estimate + 1e-9 && estimate <= upper + 1e-9, "\(metric) \(interval)")
      }
      XCTAssertEqual(row["llmCalls"] as? Int, 0, "no LLM is configured")
      XCTAssertEqual(row["newSamples"] as? Int, 5)
    }
    // Real generated reviews share words with the real ones.
    XCTAssertGreaterThan((modes[3]["rouge1"] as? [String: Double])?["estimate"] ?? 0, 0.05)
    let samples = try XCTUnwrap(first["samples"] as? [[String: Any]])
    XCTAssertEqual(samples.count, 20)
    for sample in samples {
      for key in ["user", "item", "mode", "prediction", "reference"] {
        XCTAssertFalse((sample[key] as? String ?? "").isEmpty, "\(key) in \(sample)")
      }
    }
    XCTAssertEqual(Set(samples.map { $0["user"] as? String }).count, 5)
    let settings = try XCTUnwrap(first["settings"] as? [String: Any])
    XCTAssertEqual(settings["evaluatedUsers"] as? Int, 5)
    XCTAssertEqual(settings["eligibleUsers"] as? Int, 40)
    let pipeline = try XCTUnwrap((first["generation"] as? [String: Any])?["pipeline"] as? [String: Any])
    XCTAssertEqual(pipeline["structured_output"] as? String, "none", "the report shows the reasoning output mode")
    XCTAssertNotNil(first["meteorSynonymStage"] as? Bool)
    XCTAssertEqual(first["newSamples"] as? Int, 20)
    XCTAssertTrue(progress.contains("eval: user 5/5 ("), progress)
    XCTAssertTrue(progress.contains("20/20 samples"), progress)
    let written = try JSONSerialization.jsonObject(
      with: Data(contentsOf: URL(fileURLWithPath: directory.path("report.json"))))
    XCTAssertEqual((written as? [String: Any])?["fingerprint"] as? String, first["fingerprint"] as? String)

    // The second run reuses every saved sample: nothing generated, identical predictions.
    let resumedStart = Date()
    let (second, _) = try eval(home)
    let secondSeconds = Date().timeIntervalSince(resumedStart)
    XCTAssertEqual(second["newSamples"] as? Int, 0)
    XCTAssertEqual(second["reusedSamples"] as? Int, 20)
    XCTAssertEqual(
      (second["samples"] as? [[String: Any]])?.map { $0["prediction"] as? String },
      samples.map { $0["prediction"] as? String })
    XCTAssertEqual(
      (second["modes"] as? [[String: Any]])?.map { ($0["rouge1"] as? [String: Double])?["estimate"] },
      modes.map { ($0["rouge1"] as? [String: Double])?["estimate"] })
    XCTAssertLessThan(secondSeconds, firstSeconds + 5, "a resumed run is no slower")

    // More users with the same seed: the first five are reused, the rest generated.
    let more = try drp(
      home: home, ["eval", "--users", "8", "--modes", "drp", "--seed", "11", "--json"],
      environment: ["DRP_LLM_URL": "", "DRP_REASONER_URL": ""], timeout: 300)
    XCTAssertEqual(more.status, 0, more.stderr)
    let grown = try XCTUnwrap(more.json() as? [String: Any])
    XCTAssertEqual(grown["reusedSamples"] as? Int, 5)
    XCTAssertEqual(grown["newSamples"] as? Int, 3)

    // --fresh starts over.
    let (fresh, _) = try eval(home, ["--fresh"])
    XCTAssertEqual(fresh["newSamples"] as? Int, 20)
  }

  func testMarkdownTableByDefault() throws {
    let directory = try TemporaryDirectory("drp-eval-cli")
    let home = try makeHome(directory)
    let result = try drp(
      home: home, ["eval", "--users", "3", "--modes", "rag,drp", "--min-reviews", "6"],
      environment: ["DRP_LLM_URL": "", "DRP_REASONER_URL": ""], timeout: 300)
    XCTAssertEqual(result.status, 0, result.stderr)
    let lines = result.stdout.split(separator: "\n")
    XCTAssertEqual(
      lines.first, "| mode | n | ROUGE-1 | ROUGE-L | METEOR | BLEU | LLM calls | calls/target | cut | tokens | wall s |"
    )
    XCTAssertTrue(lines[2].hasPrefix("| rag | 3 | 0."), String(lines[2]))
    XCTAssertTrue(lines[3].hasPrefix("| drp | 3 | 0."), String(lines[3]))
    XCTAssertTrue(result.stdout.contains("3 of "), result.stdout)
  }

  func testBadFlagsExitWithUsage() throws {
    let directory = try TemporaryDirectory("drp-eval-cli")
    let home = directory.url.appendingPathComponent("home")
    let cases: [([String], String)] = [
      (["--modes", "nonp,bogus"], "unknown mode 'bogus'"),
      (["--modes", ""], "unknown mode ''"),
      (["--modes", "rag,,drp"], "unknown mode ''"),
      (["--users", "0"], "--users expects an integer"),
      (["--users", "many"], "--users expects an integer"),
      (["--seed", "-3"], "--seed expects an integer"),
      (["--min-reviews", "1"], "--min-reviews expects an integer in 2"),
      (["--category", " "], "--category must not be empty"),
      (["--out", ""], "--out needs a file name"),
      (["--mode", "drp"], "unknown option --mode"),
      (["--key-samples", "0"], "--key-samples"),
      (["--temperature", "hot"], "--temperature expects a number"),
      (["--structured-output", "yes"], "--structured-output: expected one of none, json_schema, json_object"),
      (["--users"], "option --users needs a value"),
      (["extra"], "unexpected argument 'extra'"),
    ]
    for (arguments, message) in cases {
      let result = try drp(home: home, ["eval"] + arguments)
      XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("usage: drp eval"), "\(arguments)")
      XCTAssertEqual(result.stdout, "", "\(arguments)")
    }
  }

  func testNoEligibleUserIsARuntimeError() throws {
    let directory = try TemporaryDirectory("drp-eval-cli")
    let home = try makeHome(directory)
    let result = try drp(home: home, ["eval", "--min-reviews", "500"])
    XCTAssertEqual(result.status, 1, result.stderr)
    XCTAssertTrue(result.stderr.contains("no user has at least 500 reviews"), result.stderr)
    let category = try drp(home: home, ["eval", "--category", "Nonexistent_Things"])
    XCTAssertEqual(category.status, 1, category.stderr)
    XCTAssertTrue(category.stderr.contains("in category 'Nonexistent_Things'"), category.stderr)
  }
}

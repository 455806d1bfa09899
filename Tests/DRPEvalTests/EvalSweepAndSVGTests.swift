// `drp eval --sweep` and `--svg`: sweep specifications, quality against reasoning cost through the CLI
// (against an echoing LLM, so the reasoning stages really run and spend tokens), and the SVG documents.
import DRPCore
import DRPReasoning
import DRPTestSupport
import Foundation
import XCTest

@testable import DRPEval

#if canImport(FoundationXML)
  import FoundationXML
#endif

final class EvalSweepAndSVGTests: XCTestCase {
  func testSweepSpecifications() throws {
    let sweep = try EvalSweep(spec: "thinking_budget=64, 128,256")
    XCTAssertEqual(sweep.knob, "thinking-budget")
    XCTAssertEqual(sweep.values, ["64", "128", "256"])
    XCTAssertEqual(try sweep.apply("128", to: PipelineOptions()).thinkingBudget, 128)
    XCTAssertEqual(try EvalSweep(spec: "extractor-model=a,b").apply("b", to: PipelineOptions()).extractorModel, "b")
    for (spec, message) in [
      ("peers", "expects KNOB=V1,V2"), ("temperature=0,1", "unknown knob 'temperature'"), ("peers=", "empty value"),
      ("peers=1,,2", "empty value"), ("peers=2,2", "repeated"), ("peers=x", "'x' is not an integer"),
      ("peers=0", "peers"), ("samples=100000", "samples"),
    ] {
      XCTAssertThrowsError(try EvalSweep(spec: spec), spec) { error in
        guard case EvalError.invalidSweep(let detail) = error else { return XCTFail("\(spec): \(error)") }
        XCTAssertTrue(detail.contains(message), "\(spec): \(detail)")
      }
    }
  }

  /// A well-formed XML document (FoundationXML's parser) whose text holds `needles`.
  private func assertSVG(_ svg: String, contains needles: [String], file: StaticString = #filePath, line: UInt = #line)
  {
    let parser = XMLParser(data: Data(svg.utf8))
    XCTAssertTrue(
      parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))", file: file, line: line)
    XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), file: file, line: line)
    XCTAssertFalse(svg.contains("<script") || svg.contains("href="), "self-contained", file: file, line: line)
    for needle in needles { XCTAssertTrue(svg.contains(needle), "missing \(needle)", file: file, line: line) }
  }

  func testReportSVGDrawsEveryMetricModeAndInterval() throws {
    let samples = (0..<6).flatMap { index in
      [PipelineMode.nonp, PipelineMode.drp].map { mode in
        EvalSample(
          user: "u<\(index)>&", item: "i", mode: mode, reviewID: Int64(index), prediction: "a good kettle \(index)",
          reference: "a good kettle that boils \(index % 2 == 0 ? "fast" : "slowly")", llmCalls: 0, tokens: 0,
          seconds: 0)
      }
    }
    let run = EvalRun(samples: samples, generatedKeys: Set(samples.map(\.key)), reused: 0, seconds: 1)
    let settings = EvalSettings(
      modes: [.nonp, .drp], requestedUsers: 6, seed: 1, minReviews: 5, category: "Kettles & <Pots>", eligibleUsers: 9,
      evaluatedUsers: 6)
    let report = try EvalReport(
      run: run, settings: settings,
      generation: GenerationSettings(config: DRPConfig(), options: PipelineOptions()))
    let svg = report.svg()
    assertSVG(
      svg,
      contains: ["ROUGE-1 F1", "ROUGE-L F1", "METEOR", "BLEU (0-100)", ">nonp<", ">drp<", "Kettles &amp; &lt;Pots&gt;"])
    // Four panels x two modes: a point with a whisker and two caps each.
    XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 8)
    let row = try XCTUnwrap(report.modes.first)
    XCTAssertTrue(svg.contains("nonp: \(SVGChart.tick(row.rouge1.estimate)) [\(SVGChart.tick(row.rouge1.lower))"))
  }

  /// A sweep through the CLI with an echoing LLM: one report per value, reasoning tokens grow with the
  /// number of key samples, a second run reuses every sample, and the SVG draws quality against cost.
  func testSweepThroughTheCLIReportsQualityAgainstReasoningCost() throws {
    let directory = try TemporaryDirectory("drp-eval-sweep")
    let home = directory.url.appendingPathComponent("home")
    let sample = directory.path("sample")
    for arguments in [
      ["sample", "--out", sample, "--users", "20", "--items", "10", "--reviews-per-user", "6", "--seed", "2"],
      ["--home", home.path, "import", sample + "/reviews.jsonl", sample + "/items.jsonl"],
      ["--home", home.path, "embed"],
    ] {
      let result = try runProcess(TestSupport.drpBinary, arguments)
      XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)")
    }
    let server = try EchoChatServer()
    defer { server.stop() }
    let environment = ["DRP_LLM_URL": server.baseURL, "DRP_LLM_MODEL": "echo", "DRP_REASONER_URL": ""]
    // The echo server quotes whole prompts back, far more than `max_tokens` lets a real model write
    // (the default reply limit is 16 bytes a token + 64 KiB).
    let config = directory.path("echo.json")
    try #"{"llm": {"max_reply_bytes": 1048576}}"#.write(toFile: config, atomically: true, encoding: .utf8)
    let arguments = [
      "--config", config, "eval", "--users", "3", "--modes", "nonp,drp", "--sweep", "key-samples=1,3", "--peers", "2",
      "--retries", "0",
      "--json", "--svg", directory.path("sweep.svg"),
    ]
    let first = try drp(home: home, arguments, environment: environment, timeout: 300)
    XCTAssertEqual(first.status, 0, first.stderr)
    let report = try XCTUnwrap(first.json() as? [String: Any])
    XCTAssertEqual(report["knob"] as? String, "key-samples")
    let points = try XCTUnwrap(report["points"] as? [[String: Any]])
    XCTAssertEqual(points.map { $0["value"] as? String }, ["1", "3"])
    var drpTokens: [Int] = []
    for point in points {
      let inner = try XCTUnwrap(point["report"] as? [String: Any])
      let modes = try XCTUnwrap(inner["modes"] as? [[String: Any]])
      XCTAssertEqual(modes.map { $0["mode"] as? String }, ["nonp", "drp"])
      XCTAssertEqual(modes[0]["reasoningCalls"] as? Int, 0, "nonp reasons about nothing")
      XCTAssertGreaterThan(modes[1]["reasoningCalls"] as? Int ?? 0, 0)
      drpTokens.append(modes[1]["reasoningTokens"] as? Int ?? 0)
      let pipeline = try XCTUnwrap((inner["settings"] as? [String: Any])?["pipeline"] as? [String: Any])
      XCTAssertEqual(pipeline["generator_model"] as? String, "echo")
      XCTAssertEqual(pipeline["temperature"] as? Double, 0.7)
      XCTAssertEqual(pipeline["validation"] as? String, "use")
    }
    XCTAssertGreaterThan(drpTokens[1], drpTokens[0], "three key samples cost more reasoning than one")
    let svg = try String(contentsOfFile: directory.path("sweep.svg"), encoding: .utf8)
    assertSVG(svg, contains: ["reasoning tokens per sample", "<polyline", "drp eval --sweep key-samples"])

    // Every sample of both values is reused on the second run; the table names both values.
    let second = try drp(home: home, Array(arguments.dropLast(3)), environment: environment, timeout: 300)
    XCTAssertEqual(second.status, 0, second.stderr)
    XCTAssertTrue(second.stdout.contains("| key-samples | mode |"), second.stdout)
    XCTAssertTrue(second.stdout.contains("0 samples generated, 12 reused"), second.stdout)

    let bad = try drp(home: home, ["eval", "--sweep", "temperature=0,1"], environment: environment)
    XCTAssertEqual(bad.status, 2)
    XCTAssertTrue(bad.stderr.contains("unknown knob 'temperature'"), bad.stderr)
  }
}

// The report: per-mode metrics and intervals, costs, JSON shape, Markdown table.
import DRPCore
import DRPEval
import DRPMetrics
import DRPReasoning
import XCTest

final class EvalReportTests: XCTestCase {
  private func makeReport() async throws -> EvalReport {
    let modes: [PipelineMode] = [.nonp, .rag, .drp]
    let run = try await EvalRunner(writer: CountingWriter(), checkpoint: nil).run(makeCases(6), modes: modes)
    let settings = EvalSettings(
      modes: modes, requestedUsers: 10, seed: 3, minReviews: 5, category: "Magazines", eligibleUsers: 6,
      evaluatedUsers: 6)
    return try EvalReport(
      run: run, settings: settings, generation: GenerationSettings(config: DRPConfig(), options: PipelineOptions()),
      bootstrapResamples: 200)
  }

  func testScoresPerModeWithIntervalsAndCosts() async throws {
    let report = try await makeReport()
    XCTAssertEqual(report.modes.map(\.mode), [.nonp, .rag, .drp])
    let drp = report.modes[2], rag = report.modes[1], nonp = report.modes[0]
    XCTAssertEqual(drp.samples, 6)
    XCTAssertEqual(drp.rouge1.estimate, 1, accuracy: 1e-12, "drp copies the reference in the fake")
    XCTAssertEqual(drp.bleu.estimate, 100, accuracy: 1e-9)
    XCTAssertGreaterThan(drp.meteor.estimate, 0.9)
    XCTAssertGreaterThan(rag.rouge1.estimate, nonp.rouge1.estimate)
    for row in report.modes {
      for interval in [row.rouge1, row.rougeL, row.meteor] {
        XCTAssertTrue((0...1).contains(interval.lower) && (0...1).contains(interval.upper), "\(row.mode) \(interval)")
        XCTAssertLessThanOrEqual(interval.lower, interval.estimate + 1e-12)
        XCTAssertGreaterThanOrEqual(interval.upper, interval.estimate - 1e-12)
      }
      XCTAssertTrue((0...100 + 1e-9).contains(row.bleu.estimate), "\(row.mode) \(row.bleu)")
      XCTAssertEqual(row.newSamples, 6)
    }
    XCTAssertEqual(nonp.llmCalls, 6)
    XCTAssertEqual(rag.tokens, 180)
    XCTAssertEqual(report.newSamples, 18)
    XCTAssertEqual(report.reusedSamples, 0)
    XCTAssertEqual(report.meteorSynonymStage, METEOR.synonymStageAvailable)
  }

  func testJSONListsEverySampleWithSortedKeys() async throws {
    let report = try await makeReport()
    let data = try report.json()
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    XCTAssertEqual(
      Set(object.keys),
      [
        "bootstrapResamples", "created", "elapsedSeconds", "fingerprint", "generation", "meteorSynonymStage", "metrics",
        "modes", "newSamples", "reusedSamples", "samples", "settings",
      ])
    let samples = try XCTUnwrap(object["samples"] as? [[String: Any]])
    XCTAssertEqual(samples.count, 18)
    for key in ["user", "item", "mode", "prediction", "reference"] { XCTAssertNotNil(samples[0][key], key) }
    let modes = try XCTUnwrap(object["modes"] as? [[String: Any]])
    let rouge = try XCTUnwrap(modes[0]["rouge1"] as? [String: Double])
    XCTAssertEqual(Set(rouge.keys), ["estimate", "lower", "upper"])
    XCTAssertEqual(try JSONDecoder().decode(EvalReport.self, from: data), report)
    XCTAssertEqual(report.fingerprint.count, 16)
  }

  func testMarkdownTableHasOneRowPerMode() async throws {
    let table = try await makeReport().markdownTable()
    let lines = table.split(separator: "\n")
    XCTAssertEqual(
      lines[0], "| mode | n | ROUGE-1 | ROUGE-L | METEOR | BLEU | LLM calls | calls/target | cut | tokens | wall s |")
    XCTAssertTrue(
      lines[4].hasPrefix("| drp | 6 | 1.0000 [1.0000, 1.0000] | 1.0000 [1.0000, 1.0000] |"), String(lines[4]))
    XCTAssertTrue(lines[4].contains("| 100.00 [100.00, 100.00] | 18 | 3.0 | 0 | 180 |"), String(lines[4]))
    XCTAssertTrue(table.contains("6 of 6 eligible users (>= 5 reviews in category Magazines), seed 3"))
  }

  func testFingerprintFollowsGenerationSettings() {
    var config = DRPConfig()
    var options = PipelineOptions()
    let base = GenerationSettings(config: config, options: options).fingerprint
    config.home = "elsewhere"
    options.mode = .nonp
    XCTAssertEqual(
      GenerationSettings(config: config, options: options).fingerprint, base,
      "neither the home nor the per-sample mode changes generations")
    options.keySamples = 2
    XCTAssertNotEqual(GenerationSettings(config: config, options: options).fingerprint, base)
    let fingerprints = StructuredOutput.allCases.map { mode in
      var options = PipelineOptions()
      options.structuredOutput = mode
      return GenerationSettings(config: DRPConfig(), options: options).fingerprint
    }
    XCTAssertEqual(fingerprints[0], base)
    XCTAssertEqual(Set(fingerprints).count, 3, "constrained and free-text reasoning never share saved samples")
    config = DRPConfig()
    config.llm.model = "m"
    XCTAssertNotEqual(GenerationSettings(config: config, options: PipelineOptions()).fingerprint, base)
  }
}

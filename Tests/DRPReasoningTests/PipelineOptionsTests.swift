import DRPCore
import DRPReasoning
import XCTest

/// PipelineOptions: configuration defaults, JSON overrides and field-named errors.
final class PipelineOptionsTests: XCTestCase {
  func testDefaultsFollowTheConfiguration() throws {
    var config = PipelineConfig()
    config.mode = "dpl"
    config.keySamples = 3
    config.validation = false
    let options = try PipelineOptions(config: config)
    XCTAssertEqual(options.mode, .dpl)
    XCTAssertEqual(options.keySamples, 3)
    XCTAssertEqual(options.validation, .off)
    XCTAssertEqual(options.history, 8)
    XCTAssertEqual(try PipelineOptions(config: PipelineConfig()), PipelineOptions())
  }

  func testJSONOverrides() throws {
    let json =
      #"{"mode": "rag", "samples": 3, "temperature": 0.2, "validation": false, "strategy": "nearest", "extractor_model": null, "#
      + #""structured_output": "json_schema", "retries": 5}"#
    let options = try JSONDecoder().decode(PipelineOptions.self, from: Data(json.utf8))
    XCTAssertEqual(options.mode, .rag)
    XCTAssertEqual(options.samples, 3)
    XCTAssertEqual(options.temperature, 0.2)
    XCTAssertEqual(options.validation, .off)
    XCTAssertEqual(options.strategy, "nearest")
    XCTAssertNil(options.extractorModel)
    XCTAssertEqual(options.structuredOutput, .jsonSchema)
    XCTAssertEqual(options.retries, 5)
    XCTAssertEqual(PipelineOptions().structuredOutput, StructuredOutput.none)
    let encoded = try JSONEncoder().encode(options)
    XCTAssertEqual(try JSONDecoder().decode(PipelineOptions.self, from: encoded), options)
  }

  func testBadValuesNameTheirField() {
    let cases: [(String, String, String)] = [
      (#"{"samples": 0}"#, "samples", "1...16"),
      (#"{"samples": "3"}"#, "samples", "integer"),
      (#"{"mode": "best"}"#, "mode", "nonp, rag, dpl, drp"),
      (#"{"validation": 1}"#, "validation", "true or false"),
      (#"{"validation": "maybe"}"#, "validation", "use, record, off"),
      (#"{"preset": "authors"}"#, "preset", "drp, paper"),
      (#"{"profile_scope": "item"}"#, "profile_scope", "target, user"),
      (#"{"top_p": 0}"#, "top_p", "(0, 1]"),
      (#"{"top_p": 1.5}"#, "top_p", "(0, 1]"),
      (#"{"seed": -1}"#, "seed", "integer"),
      (#"{"min_other_reviewers": 0}"#, "min_other_reviewers", "1...1000"),
      (#"{"temperature": 3}"#, "temperature", "0...2"),
      (#"{"key_samples": 2.5}"#, "key_samples", "integer"),
      (#"{"strategy": ""}"#, "strategy", "non-empty"),
      (#"{"sample": 2}"#, "sample", "unknown option"),
      (#"{"structured_output": "schema"}"#, "structured_output", "none, json_schema, json_object"),
      (#"{"structured_output": true}"#, "structured_output", "non-empty string"),
      (#"[1, 2]"#, "options", "object"),
    ]
    for (json, field, fragment) in cases {
      XCTAssertThrowsError(try JSONDecoder().decode(PipelineOptions.self, from: Data(json.utf8)), json) { error in
        guard let e = error as? PipelineOptionsError else { return XCTFail("\(json): \(error)") }
        XCTAssertEqual(e.field, field, json)
        XCTAssertTrue(e.description.contains(fragment), "\(json): \(e)")
      }
    }
  }

  /// The paper preset sets the released pipeline's knobs; keys given with it apply on top, in any
  /// order; the configuration's preset does the same to its section's values.
  func testPaperPresetAndOverrides() throws {
    let paper = try PipelineOptions().applying(["preset": "paper"])
    XCTAssertEqual(paper.preset, .paper)
    XCTAssertEqual(paper.temperature, 0)
    XCTAssertEqual(paper.topP, 0.95)
    XCTAssertEqual(paper.seed, 42)
    XCTAssertEqual(paper.maxTokens, 4096)
    XCTAssertEqual(paper.thinkingBudget, 4096)
    XCTAssertEqual(paper.samples, 1)
    XCTAssertEqual(paper.validation, .record)
    XCTAssertEqual(paper.strategy, "representative-strict")
    XCTAssertEqual(paper.minOtherReviewers, 4)
    let tuned = try PipelineOptions().applying(["temperature": 0.8, "preset": "paper", "validation": "use"])
    XCTAssertEqual(tuned.temperature, 0.8, "a knob given beside the preset wins over it")
    XCTAssertEqual(tuned.validation, .use)
    XCTAssertEqual(tuned.topP, 0.95)
    var config = PipelineConfig()
    config.preset = .paper
    config.keySamples = 3
    XCTAssertEqual(try PipelineOptions(config: config), paper, "the configuration's preset replaces its knobs")
    let drp = try PipelineOptions().applying(["preset": "drp"])
    XCTAssertEqual(drp, PipelineOptions(), "drp is the default")
    XCTAssertEqual(PipelineOptions().profileScope, .target)
    XCTAssertNil(PipelineOptions().topP)
    let json = try JSONEncoder().encode(tuned)
    XCTAssertEqual(try JSONDecoder().decode(PipelineOptions.self, from: json), tuned)
  }
}

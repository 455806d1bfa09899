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
    XCTAssertFalse(options.validation)
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
    XCTAssertFalse(options.validation)
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
}

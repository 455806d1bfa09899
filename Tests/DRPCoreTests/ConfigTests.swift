import DRPCore
import DRPTestSupport
import XCTest

final class ConfigTests: XCTestCase {
  func testCheckedInConfigEqualsBuiltInDefaults() throws {
    let url = TestSupport.packageRoot.appendingPathComponent("config/drp.json")
    let decoded = try JSONDecoder().decode(DRPConfig.self, from: Data(contentsOf: url))
    XCTAssertEqual(decoded, DRPConfig())
    XCTAssertEqual(decoded.index.dimension, 384)
    XCTAssertEqual(decoded.server.tcp, "127.0.0.1:7411")
  }

  func testPartialFileEnvironmentAndReasonerFallback() throws {
    let dir = try TemporaryDirectory()
    let path = dir.path("c.json")
    try #"{"llm": {"url": "http://127.0.0.1:9/v1", "model": "m"}, "pipeline": {"peers": 9}, "server": {"tcp": null}}"#
      .write(toFile: path, atomically: true, encoding: .utf8)
    let config = try DRPConfig.load(
      file: path, environment: ["DRP_HOME": "/tmp/h", "DRP_EMBED_MODEL": "e", "DRP_LLM_API_KEY": ""])
    XCTAssertEqual(config.home, "/tmp/h")
    XCTAssertEqual(config.embedder.model, "e")
    XCTAssertNil(config.llm.apiKey, "empty environment values are ignored")
    XCTAssertEqual(config.pipeline.peers, 9)
    XCTAssertEqual(config.pipeline.keySamples, 8)
    XCTAssertNil(config.server.tcp)
    XCTAssertEqual(config.reasoner, config.llm, "the reasoner defaults to the llm settings")
    let own = try DRPConfig.load(file: path, environment: ["DRP_REASONER_MODEL": "big"])
    XCTAssertEqual(own.reasoner.model, "big")
    XCTAssertEqual(own.reasoner.url, "http://127.0.0.1:9/v1", "other reasoner keys still come from llm")
  }

  func testStructuredOutputFromFileAndEnvironment() throws {
    let dir = try TemporaryDirectory()
    let path = dir.path("c.json")
    // As in the checked-in file: a reasoner section without URL or model falls back to llm's
    // connection but keeps its own structured_output.
    try #"{"llm": {"url": "http://127.0.0.1:9/v1"}, "reasoner": {"url": null, "structured_output": "json_object"}}"#
      .write(toFile: path, atomically: true, encoding: .utf8)
    let fromFile = try DRPConfig.load(file: path, environment: [:])
    XCTAssertEqual(fromFile.reasoner.structuredOutput, .jsonObject)
    XCTAssertEqual(fromFile.reasoner.url, "http://127.0.0.1:9/v1")
    XCTAssertEqual(fromFile.llm.structuredOutput, StructuredOutput.none)
    let fromEnvironment = try DRPConfig.load(
      file: path,
      environment: ["DRP_REASONER_STRUCTURED_OUTPUT": "json_schema", "DRP_LLM_URL": "http://127.0.0.1:8/v1"])
    XCTAssertEqual(fromEnvironment.reasoner.structuredOutput, .jsonSchema)
    XCTAssertEqual(fromEnvironment.reasoner.url, "http://127.0.0.1:8/v1")
    XCTAssertEqual(DRPConfig().reasoner.structuredOutput, StructuredOutput.none, "off by default")

    XCTAssertThrowsError(try DRPConfig.load(file: path, environment: ["DRP_REASONER_STRUCTURED_OUTPUT": "json"])) {
      XCTAssertEqual(
        "\($0)", "DRP_REASONER_STRUCTURED_OUTPUT: expected one of none, json_schema, json_object, got 'json'")
    }
    try #"{"reasoner": {"structured_output": "schema"}}"#.write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try DRPConfig.load(file: path, environment: [:])) { error in
      XCTAssertTrue("\(error)".contains("expected one of none, json_schema, json_object, got 'schema'"), "\(error)")
    }
  }

  func testBadConfigFiles() throws {
    let dir = try TemporaryDirectory()
    XCTAssertThrowsError(try DRPConfig.load(file: dir.path("none.json"), environment: [:]))
    let path = dir.path("bad.json")
    for text in ["{", "[]", #"{"store": {"import_batch": "many"}}"#] {
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      XCTAssertThrowsError(try DRPConfig.load(file: path, environment: [:]), text) { error in
        XCTAssertTrue("\(error)".contains("invalid config file"), "\(error)")
      }
    }
  }
}

import DRPCore
import DRPOpenAI
import DRPReasoning
import XCTest

/// The per-stage answer schemas: strict-mode shape, bounds that fit the token budget, and — the
/// point of them — every answer they allow is read by the stage's parser.
final class AnswerSchemaTests: XCTestCase {
  private let budgets = [160, 200, 256, 300, 512, 1024, 4096]

  /// The longest answer `schema` allows: every property, `maxItems` elements, strings of
  /// `maxLength` characters (the longest `enum` value for enumerations).
  private func longest(_ schema: JSONValue, file: StaticString = #filePath, line: UInt = #line) -> Any {
    guard case .object(let s) = schema else {
      XCTFail("a schema must be an object: \(schema)", file: file, line: line)
      return NSNull()
    }
    switch s["type"] {
    case .string("object"):
      guard case .object(let properties)? = s["properties"] else { return [String: Any]() }
      return properties.mapValues { longest($0, file: file, line: line) }
    case .string("array"):
      guard case .int(let count)? = s["maxItems"], let items = s["items"] else {
        XCTFail("an array without maxItems or items is unbounded: \(s)", file: file, line: line)
        return [Any]()
      }
      return (0..<count).map { _ in longest(items, file: file, line: line) }
    case .string("string"):
      if case .array(let values)? = s["enum"] {
        return values.compactMap { if case .string(let v) = $0 { return v } else { return nil } }
          .max { $0.count < $1.count } ?? ""
      }
      guard case .int(let length)? = s["maxLength"] else {
        XCTFail("a string without maxLength is unbounded: \(s)", file: file, line: line)
        return ""
      }
      return String(repeating: "w", count: Int(length))
    default:
      XCTFail("unexpected schema type in \(s)", file: file, line: line)
      return NSNull()
    }
  }

  private func text(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
  }

  /// Every object is strict: all properties required, nothing else allowed.
  private func assertStrict(_ schema: JSONValue, file: StaticString = #filePath, line: UInt = #line) {
    guard case .object(let s) = schema else { return }
    if case .object(let properties)? = s["properties"] {
      XCTAssertEqual(s["required"], .array(properties.keys.sorted().map { .string($0) }), file: file, line: line)
      XCTAssertEqual(s["additionalProperties"], .bool(false), file: file, line: line)
      for property in properties.values { assertStrict(property, file: file, line: line) }
    }
    if let items = s["items"] { assertStrict(items, file: file, line: line) }
  }

  func testLongestAnswersFitTheTokenBudgetAndParse() throws {
    for budget in budgets {
      let schemas = [
        AnswerSchema.dimensions(maxTokens: budget),
        .baseDimensions(Orchestrator.baseDimensions, maxTokens: budget),
        .validation(candidates: ["Exclamation habit", "Length", "Tone"], maxTokens: budget),
        .summary(maxTokens: budget),
      ]
      for schema in schemas {
        assertStrict(schema.schema)
        let answer = try text(longest(schema.schema))
        // At 3 characters per token (SmolLM2 writes ~4 on JSON) the longest answer, keys and
        // punctuation included, must fit in max_tokens.
        XCTAssertLessThanOrEqual(answer.count, 3 * budget, "\(schema.name) at \(budget) tokens: \(answer.count) chars")
      }
      let dimensions = try DimensionParser.parse(text(longest(schemas[0].schema)))
      XCTAssertGreaterThanOrEqual(dimensions.count, 1)
      for d in dimensions {
        XCTAssertFalse(d.name.isEmpty || d.definition.isEmpty || d.description.isEmpty)
        XCTAssertEqual(d.evidence.count, 2)
      }
      let base = try DimensionParser.parse(text(longest(schemas[1].schema)))
      XCTAssertTrue(base.allSatisfy { Orchestrator.baseDimensions.contains($0.name) }, "\(base)")
      let validation = try ValidationParser.parse(text(longest(schemas[2].schema)))
      XCTAssertFalse(validation.kept.isEmpty)
      XCTAssertFalse(validation.dropped.isEmpty)
      XCTAssertFalse(try DimensionParser.parseProfile(text(longest(schemas[3].schema))).summary.isEmpty)
    }
  }

  func testBoundsGrowWithTheBudgetWithinCaps() throws {
    func dimensionCount(_ budget: Int) throws -> Int {
      try XCTUnwrap(longest(AnswerSchema.dimensions(maxTokens: budget).schema) as? [String: [Any]])["dimensions"]!
        .count
    }
    XCTAssertEqual(try dimensionCount(160), 1)
    XCTAssertEqual(try dimensionCount(300), 2)
    XCTAssertEqual(try dimensionCount(1024), 6)
    XCTAssertEqual(try dimensionCount(100_000), 6, "capped")
    let small = try text(longest(AnswerSchema.summary(maxTokens: 160).schema)).count
    let large = try text(longest(AnswerSchema.summary(maxTokens: 512).schema)).count
    XCTAssertLessThan(small, large)
    XCTAssertLessThanOrEqual(try text(longest(AnswerSchema.summary(maxTokens: 100_000).schema)).count, 1300)
  }

  func testSchemaShapesAndNames() throws {
    let dimension = AnswerSchema.dimensions(maxTokens: 300)
    XCTAssertEqual(dimension.name, "difference_dimensions")
    guard case .object(let root) = dimension.schema, case .object(let properties)? = root["properties"],
      case .object(let list)? = properties["dimensions"]
    else { return XCTFail("\(dimension.schema)") }
    XCTAssertEqual(list["minItems"], .int(1))
    let base = AnswerSchema.baseDimensions(Orchestrator.baseDimensions, maxTokens: 1024)
    XCTAssertEqual(base.name, "base_dimensions")
    let names = try XCTUnwrap(longest(base.schema) as? [String: [[String: Any]]])["dimensions"]!
    XCTAssertEqual(names.count, 3, "at most the three base dimensions")
    let validation = AnswerSchema.validation(candidates: ["A", "B", "A"], maxTokens: 300)
    XCTAssertEqual(validation.name, "dimension_validation")
    let decided = try XCTUnwrap(longest(validation.schema) as? [String: [[String: Any]]])
    XCTAssertEqual(decided["kept"]?.count, 2, "duplicate candidate names count once")
    XCTAssertEqual(decided["dropped"]?.count, 2)
    let encoded = String(decoding: try JSONEncoder().encode(validation.schema), as: UTF8.self)
    XCTAssertTrue(encoded.contains(#""enum":["A","B"]"#), encoded)
    XCTAssertEqual(AnswerSchema.summary(maxTokens: 300).name, "profile_summary")
  }

  func testResponseFormatPerMode() {
    let schema = AnswerSchema.summary(maxTokens: 200)
    XCTAssertNil(schema.responseFormat(.none))
    XCTAssertEqual(schema.responseFormat(.jsonObject), .jsonObject)
    XCTAssertEqual(
      schema.responseFormat(.jsonSchema), .jsonSchema(name: "profile_summary", schema: schema.schema, strict: true))
  }
}

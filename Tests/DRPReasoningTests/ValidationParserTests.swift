import DRPReasoning
import XCTest

final class ValidationParserTests: XCTestCase {
  private let candidates = [
    DifferenceDimension(name: "Writing style", definition: "d", description: "long"),
    DifferenceDimension(name: "Emotional tone", definition: "d", description: "warm"),
    DifferenceDimension(name: "Brand loyalty", definition: "d", description: "likes the brand"),
  ]

  func testJSONKeptWithRevisionAndSynonym() throws {
    let result = try ValidationParser.parse(
      """
      <think>checking</think>
      ```json
      {"kept": [{"name": "Writing Style", "description": "2x longer"}, "Tone", "Invented"],
       "dropped": [{"name": "Brand loyalty", "reason": "opinion, not style"}]}
      ```
      """)
    XCTAssertEqual(result.dropped, ["Brand loyalty"])
    let kept = result.apply(to: candidates)
    XCTAssertEqual(kept.map(\.name), ["Writing style", "Emotional tone"])
    XCTAssertEqual(kept[0].description, "2x longer")
    XCTAssertEqual(kept[1].description, "warm")
  }

  func testKeepDropLines() throws {
    let result = try ValidationParser.parse("KEEP: Writing style\nDROP: Brand loyalty\nKept: Emotional tone")
    XCTAssertEqual(result.apply(to: candidates).map(\.name), ["Writing style", "Emotional tone"])
  }

  func testTextFormatBlocksAreKept() throws {
    let result = try ValidationParser.parse(
      "--- [Brand loyalty]\nDefinition: x\nDifference Description: sticks to one brand\n---")
    XCTAssertEqual(result.apply(to: candidates).map(\.description), ["sticks to one brand"])
  }

  func testBadInputs() {
    XCTAssertThrowsError(try ValidationParser.parse("<think>hmm")) {
      XCTAssertEqual($0 as? ReasoningError, .truncatedReasoning)
    }
    XCTAssertThrowsError(try ValidationParser.parse(" ")) { XCTAssertEqual($0 as? ReasoningError, .emptyAnswer) }
    XCTAssertEqual(try ValidationParser.parse("[]").kept, [])
    XCTAssertThrowsError(try ValidationParser.parse("[1, 2]")) {
      guard case .unparseable = $0 as? ReasoningError else { return XCTFail("\($0)") }
    }
    XCTAssertThrowsError(try ValidationParser.parse("All of them look fine to me.")) {
      guard case .unparseable = $0 as? ReasoningError else { return XCTFail("\($0)") }
    }
  }
}

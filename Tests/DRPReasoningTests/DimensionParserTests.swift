import DRPCore
import DRPReasoning
import XCTest

final class DimensionParserTests: XCTestCase {
  private let json = """
    {"dimensions": [
      {"name": "Writing style", "definition": "How the text is built.", "description": "Much longer than peers.", "evidence": ["I tested it for three weeks"]},
      {"name": "Exclamation habit", "definition": "Use of !", "description": "Ends most sentences with !", "evidence": "Love it!"}
    ]}
    """

  func testPlainJSONObject() throws {
    let dims = try DimensionParser.parse(json)
    XCTAssertEqual(dims.map(\.name), ["Writing style", "Exclamation habit"])
    XCTAssertEqual(dims[0].evidence, ["I tested it for three weeks"])
    XCTAssertEqual(dims[1].evidence, ["Love it!"])
    XCTAssertEqual(dims[1].description, "Ends most sentences with !")
  }

  func testThinkTagsCodeFenceAndProse() throws {
    let text =
      "<think>The user writes a lot. {\"dimensions\": [{\"name\": \"Bogus\"}]}</think>\nSure! Here is the analysis:\n```json\n\(json)\n```\nLet me know if you need more."
    XCTAssertEqual(try DimensionParser.parse(text).map(\.name), ["Writing style", "Exclamation habit"])
  }

  func testBareArrayWithTrailingCommas() throws {
    let text = """
      Result: [
        {"dimension": "Tone", "difference_description": "Warmer than peers", "evidence": ["so cozy",],},
      ]
      """
    let dims = try DimensionParser.parse(text)
    XCTAssertEqual(dims.count, 1)
    XCTAssertEqual(dims[0].name, "Tone")
    XCTAssertEqual(dims[0].description, "Warmer than peers")
    XCTAssertEqual(dims[0].evidence, ["so cozy"])
  }

  func testTruncatedJSONKeepsCompleteDimensions() throws {
    let text = """
      ```json
      {"dimensions": [
        {"name": "Writing style", "definition": "d1", "description": "x1"},
        {"name": "Semantic style", "definition": "d2", "description": "x2 with a } brace"},
        {"name": "Partial", "definition": "cut off here
      """
    let dims = try DimensionParser.parse(text)
    XCTAssertEqual(dims.map(\.name), ["Writing style", "Semantic style"])
    XCTAssertEqual(dims[1].description, "x2 with a } brace")
  }

  func testPaperTextFormat() throws {
    let text = """
      --- [Writing Style]
      Definition: The structure and length of the review.
      Difference Description: The user writes long, structured paragraphs
      while peers write one line.
      Evidence: "First of all", "Secondly"
      ---
      --- [Emotional Style] Definition: How feelings are shown. Difference Description: More restrained. ---
      """
    let dims = try DimensionParser.parse(text)
    XCTAssertEqual(dims.map(\.name), ["Writing Style", "Emotional Style"])
    XCTAssertEqual(dims[0].description, "The user writes long, structured paragraphs while peers write one line.")
    XCTAssertEqual(dims[0].evidence, ["First of all", "Secondly"])
    XCTAssertEqual(dims[1].definition, "How feelings are shown.")
    XCTAssertEqual(dims[1].description, "More restrained.")
  }

  func testMarkdownVariants() throws {
    let text = """
      1. **Humour**
         - **Definition:** Use of jokes.
         - **Difference Description:** Jokes in every review.
      Name: Brevity
      Definition: Short reviews.
      Description: Half the peers' length.
      """
    let dims = try DimensionParser.parse(text)
    XCTAssertEqual(dims.map(\.name), ["Humour", "Brevity"])
    XCTAssertEqual(dims[0].definition, "Use of jokes.")
    XCTAssertEqual(dims[0].description, "Jokes in every review.")
    XCTAssertEqual(dims[1].description, "Half the peers' length.")
  }

  func testSummaryFromSynthesis() throws {
    let parsed = try DimensionParser.parseProfile(
      #"{"dimensions": [{"name": "A", "description": "b"}], "summary": "Writes long."}"#)
    XCTAssertEqual(parsed.summary, "Writes long.")
    XCTAssertEqual(parsed.dimensions.count, 1)
  }

  func testExplicitEmptyListIsNotAnError() throws {
    XCTAssertEqual(try DimensionParser.parse(#"{"dimensions": []}"#), [])
  }

  func testUnterminatedThinkIsTruncatedReasoning() {
    for text in [
      "<think>Let me compare the reviews. The user seems",
      "<THINK>first</THINK>{\"dimensions\": []}<think>second thoughts",
      "<thinking>I will now",
    ] {
      XCTAssertThrowsError(try DimensionParser.parse(text), text) {
        XCTAssertEqual($0 as? ReasoningError, .truncatedReasoning)
      }
    }
    XCTAssertEqual(try ModelOutput.answer("reasoning without opening tag</think>\nanswer"), "answer")
  }

  /// JSON values among prose, with trailing commas, braces inside strings and non-ASCII text; an
  /// unparseable bracket is skipped and scanning stops at an unclosed one.
  func testJSONValuesAmongProse() {
    let text = #"Sure: {"a": [1, 2,], "t": "😀 } ] {",} then [3,] and {bad} and [4] {"cut": ["#
    XCTAssertEqual(ModelOutput.jsonValues(in: text), [["a": [1, 2], "t": "😀 } ] {"], [3], [4]])
    XCTAssertEqual(
      ModelOutput.completeArrayObjects(
        in: #"{"dimensions": [{"name": "A",}, 7, {"name": "é"}, {"name": "#, afterKey: "dimensions"),
      [["name": "A"], ["name": "é"]])
  }

  func testEmptyAnswers() {
    for text in ["", "   \n", "<think>done thinking</think>\n  "] {
      XCTAssertThrowsError(try DimensionParser.parse(text)) { XCTAssertEqual($0 as? ReasoningError, .emptyAnswer) }
    }
  }

  func testGarbageIsUnparseable() {
    for text in ["I cannot help with that.", "{\"foo\": 1}", "[1, 2, 3]", "{{{{", "Definition: orphan field"] {
      XCTAssertThrowsError(try DimensionParser.parse(text), text) { error in
        guard case .unparseable = error as? ReasoningError else { return XCTFail("\(text): \(error)") }
        XCTAssertFalse((error as! ReasoningError).description.isEmpty)
      }
    }
  }
}

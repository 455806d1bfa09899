import XCTest

@testable import DRPOpenAI

/// `<think>` separation, whole and piece by piece.
final class ThinkSplitterTests: XCTestCase {
  func testEverySplitPointGivesTheSameResult() {
    let text = "<think>plan < a </b> step</think>The answer <th is 42."
    for cut in 0...text.count {
      var splitter = ThinkSplitter()
      let parts =
        splitter.feed(String(text.prefix(cut))) + splitter.feed(String(text.dropFirst(cut))) + splitter.finish()
      XCTAssertEqual(parts.filter(\.isReasoning).map(\.text).joined(), "plan < a </b> step", "cut at \(cut)")
      XCTAssertEqual(parts.filter { !$0.isReasoning }.map(\.text).joined(), "The answer <th is 42.", "cut at \(cut)")
      XCTAssertFalse(splitter.isInsideThink)
    }
  }

  func testOneCharacterAtATime() {
    var splitter = ThinkSplitter()
    var parts: [ThinkSplitter.Part] = []
    for character in "a<think>b</think>c<think>d" { parts += splitter.feed(String(character)) }
    parts += splitter.finish()
    XCTAssertEqual(parts.filter(\.isReasoning).map(\.text).joined(), "bd")
    XCTAssertEqual(parts.filter { !$0.isReasoning }.map(\.text).joined(), "ac")
    XCTAssertTrue(splitter.isInsideThink, "the second block is never closed")
  }

  func testResponseSeparation() {
    func response(_ raw: String, reasoning: String? = nil, finish: String? = "stop") -> ChatResponse {
      ChatResponse(
        rawContent: raw, reasoningContent: reasoning, finishReason: finish,
        usage: TokenUsage(promptTokens: 0, completionTokens: 0), model: "m", latency: 0)
    }
    XCTAssertEqual(response("  plain answer \n").content, "plain answer")
    XCTAssertEqual(response("  plain answer \n").reasoning, "")
    // A template that opens <think> in the prompt: only the closing tag appears.
    let orphan = response("weighing options</think>Final.")
    XCTAssertEqual(orphan.content, "Final.")
    XCTAssertEqual(orphan.reasoning, "weighing options")
    // A closing tag after answer text already delivered (a stream) is just text.
    var splitter = ThinkSplitter()
    let parts = splitter.feed("Use ") + splitter.feed("</think> literally") + splitter.finish()
    XCTAssertEqual(parts.map(\.text).joined(), "Use </think> literally")
    XCTAssertFalse(parts.contains(where: \.isReasoning))
    let truncated = response("<think>still thinking", finish: "length")
    XCTAssertTrue(truncated.truncatedReasoning)
    XCTAssertEqual(truncated.content, "")
    // A server that separates reasoning: empty answer on the token limit is truncated too.
    let separated = response("", reasoning: "long chain", finish: "length")
    XCTAssertTrue(separated.truncatedReasoning)
    XCTAssertNoThrow(try response("", reasoning: nil, finish: "length").requireAnswer())
    XCTAssertEqual(response("Done.", reasoning: "short", finish: "length").content, "Done.")
  }
}

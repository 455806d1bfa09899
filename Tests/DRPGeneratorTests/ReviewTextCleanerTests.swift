// The cleaner of generated review text: reasoning blocks, fences, preambles and quotes removed.
import DRPGenerator
import DRPReasoning
import XCTest

final class ReviewTextCleanerTests: XCTestCase {
  func testReviewTextCleaner() throws {
    XCTAssertEqual(
      try ReviewTextCleaner.clean("<think>plan the review</think>\nHere is the review:\n\n\"Works great, love it!\""),
      "Works great, love it!")
    XCTAssertEqual(try ReviewTextCleaner.clean("```\nSolid kettle. Boils fast.\n```"), "Solid kettle. Boils fast.")
    XCTAssertEqual(try ReviewTextCleaner.clean("Sure! Here's a review in the user's voice:\n“Meh.”"), "Meh.")
    XCTAssertEqual(try ReviewTextCleaner.clean("Title: Great\nIt's great."), "It's great.")
    XCTAssertEqual(
      try ReviewTextCleaner.clean("Here is why I like it: it is small."), "Here is why I like it: it is small.")
    XCTAssertThrowsError(try ReviewTextCleaner.clean("<think>never ends")) {
      XCTAssertEqual($0 as? ReasoningError, .truncatedReasoning)
    }
    XCTAssertThrowsError(try ReviewTextCleaner.clean("Here is the review:\n\"\"")) {
      XCTAssertEqual($0 as? ReasoningError, .emptyAnswer)
    }
  }
}

import DRPTestSupport
import XCTest

@testable import DRPStore

/// Review vectors read by id: what comes back, and that the lookup stays a primary-key search per
/// id (the planner, left alone, scanned every vector of the embedder).
final class ReviewVectorsTests: XCTestCase {
  func testVectorsOfAListOfReviewIDs() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    for (user, item) in [("u1", "i1"), ("u2", "i1"), ("u3", "i2")] {
      try store.addReview(
        Review(userID: user, itemID: item, rating: 4, title: "t", text: user + item, timestamp: 1, helpfulVotes: 0))
    }
    let pending = try store.pendingReviews(embedder: "e", after: 0, limit: 10)
    XCTAssertEqual(pending.count, 3)
    try store.storeReviewVectors([(pending[0], [1, 2]), (pending[1], [3, 4])], embedder: "e")
    try store.storeReviewVectors([(pending[2], [5, 6]), (pending[0], [7, 8])], embedder: "f")
    let (a, b, c) = (pending[0].id, pending[1].id, pending[2].id)

    XCTAssertEqual(try store.reviewVectors([a, b, c, 999_999, a], embedder: "e"), [a: [1, 2], b: [3, 4]])
    XCTAssertEqual(try store.reviewVectors([c, a], embedder: "f"), [c: [5, 6], a: [7, 8]])
    XCTAssertEqual(try store.reviewVectors([b], embedder: "other"), [:])
    XCTAssertEqual(try store.reviewVectors([], embedder: "e"), [:])
  }

  func testEachIDIsAPrimaryKeySearch() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    var plan: [String] = []
    try store.read { db in
      try db.query("EXPLAIN QUERY PLAN " + ReviewStore.vectorsByIDSQL, ["[1,2]", "e"]) { plan.append($0.string(3)) }
    }
    XCTAssertEqual(plan.count, 2, "\(plan)")
    XCTAssertTrue(plan.first?.hasPrefix("SCAN wanted") == true, "\(plan)")
    XCTAssertTrue(plan.last?.contains("(review_id=? AND embedder=?)") == true, "\(plan)")
  }
}

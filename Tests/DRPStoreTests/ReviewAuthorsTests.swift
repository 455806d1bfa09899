import DRPTestSupport
import XCTest

@testable import DRPStore

/// An item's (review id, author) pairs and reviews read by id: what peer choice reads instead of
/// every review's title and text.
final class ReviewAuthorsTests: XCTestCase {
  func testAuthorsOfAnItemInTheOrderOfItsReviews() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    for (user, item, time) in [("u2", "i1", 5), ("u1", "i1", 3), ("u3", "i2", 1), ("u1", "i1", 9), ("u4", "i1", 3)] {
      try store.addReview(
        Review(
          userID: user, itemID: item, rating: 4, title: "t", text: "\(user) \(time)", timestamp: Int64(time),
          helpfulVotes: 0))
    }
    let full = try store.reviews(ofItem: "i1")
    let authors = try store.reviewAuthors(ofItem: "i1")
    XCTAssertEqual(authors.map(\.id), full.map(\.id))
    XCTAssertEqual(authors.map(\.userID), full.map(\.userID))
    XCTAssertEqual(authors.map(\.userID), ["u1", "u4", "u2", "u1"], "oldest first, ties by row id")
    XCTAssertTrue(try store.reviewAuthors(ofItem: "none").isEmpty)
  }

  func testReviewsByIDComeInTheOrderAsked() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    for user in ["u1", "u2", "u3"] {
      try store.addReview(
        Review(
          userID: user, itemID: "i", rating: 3, title: "title \(user)", text: "text of \(user)", timestamp: 1,
          helpfulVotes: 2))
    }
    let all = try store.reviews(ofItem: "i")
    let (a, b, c) = (all[0].id, all[1].id, all[2].id)
    XCTAssertEqual(try store.reviews(ids: [c, a]), [all[2], all[0]])
    XCTAssertEqual(try store.reviews(ids: [b, 999_999, b]), [all[1], all[1]])
    XCTAssertEqual(try store.reviews(ids: []), [])
    var plan: [String] = []
    try store.read { db in
      try db.query("EXPLAIN QUERY PLAN " + ReviewStore.reviewsByIDSQL, ["[1,2]"]) { plan.append($0.string(3)) }
    }
    XCTAssertTrue(plan.first?.hasPrefix("SCAN wanted") == true, "\(plan)")
    XCTAssertTrue(plan.contains { $0.contains("INTEGER PRIMARY KEY") }, "each id is a row-id lookup: \(plan)")
  }
}

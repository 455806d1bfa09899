// The held-out split: last review by time, eligibility, category restriction, seeded sampling.
import DRPEval
import DRPStore
import DRPTestSupport
import XCTest

final class HeldOutSplitTests: XCTestCase {
  /// A store with: u1 (6 reviews, inserted out of time order), u2 (3), u3 (5 magazine + 2 gift card,
  /// the gift card last), u4 (5, two sharing the last timestamp).
  private func makeStore(_ directory: TemporaryDirectory) throws -> ReviewStore {
    let store = try ReviewStore(home: directory.path("home"))
    try store.upsertItem(Item(id: "mag1", mainCategory: "Magazine Subscriptions"))
    try store.upsertItem(Item(id: "mag2", metadataJSON: #"{"category":"Magazine_Subscriptions"}"#))
    try store.upsertItem(Item(id: "gift", metadataJSON: #"{"category":"Gift_Cards"}"#))
    func add(_ user: String, _ item: String, _ time: Int64, _ text: String) throws {
      try store.addReview(Review(userID: user, itemID: item, rating: 4, title: "t", text: text, timestamp: time))
    }
    for time: Int64 in [5, 1, 6, 3, 2, 4] { try add("u1", "mag1", time, "u1 review at \(time)") }
    for time: Int64 in 1...3 { try add("u2", "mag1", time, "u2 review \(time)") }
    for time: Int64 in 1...5 { try add("u3", time % 2 == 0 ? "mag1" : "mag2", time, "u3 magazine \(time)") }
    try add("u3", "gift", 10, "u3 gift late")
    try add("u3", "gift", 11, "u3 gift later")
    for time: Int64 in [1, 2, 3, 4] { try add("u4", "gift", time, "u4 gift \(time)") }
    try add("u4", "mag1", 4, "u4 same time, inserted last")
    return store
  }

  func testHeldOutIsLastReviewByTimeAndHistoryIsTheRest() throws {
    let directory = try TemporaryDirectory()
    let store = try makeStore(directory)
    let cases = try HeldOutSplit(minReviews: 5).cases(in: store)
    XCTAssertEqual(cases.map(\.userID), ["u1", "u3", "u4"])
    XCTAssertEqual(cases[0].heldOut.text, "u1 review at 6")
    XCTAssertEqual(cases[0].historyCount, 5)
    XCTAssertEqual(cases[1].heldOut.text, "u3 gift later")
    XCTAssertEqual(cases[1].historyCount, 6)
    XCTAssertTrue(cases.allSatisfy { $0.hidden.isEmpty }, "without a category the held-out review is the last")
    // Equal timestamps: the later row id is the later review.
    XCTAssertEqual(cases[2].heldOut.text, "u4 same time, inserted last")
    XCTAssertEqual(try HeldOutSplit(minReviews: 3).cases(in: store).map(\.userID), ["u1", "u2", "u3", "u4"])
  }

  func testCategoryCountsOnlyItsReviewsAndHoldsOutItsLast() throws {
    let directory = try TemporaryDirectory()
    let store = try makeStore(directory)
    let cases = try HeldOutSplit(minReviews: 5, category: "Magazine_Subscriptions").cases(in: store)
    // u4 has one magazine review only; u3's held-out review is its last magazine review, not the gift card.
    XCTAssertEqual(cases.map(\.userID), ["u1", "u3"])
    XCTAssertEqual(cases[1].heldOut.text, "u3 magazine 5")
    // The split is by time over all of u3's reviews: the two later gift-card reviews are hidden, not history.
    XCTAssertEqual(cases[1].historyCount, 4)
    let u3 = try store.reviews(ofUser: "u3")
    XCTAssertEqual(cases[1].hidden, u3.filter { $0.itemID == "gift" }.map(\.id))
    XCTAssertEqual(Set(cases[1].excluded), Set([cases[1].heldOut.id] + cases[1].hidden))
    XCTAssertEqual(cases[0].hidden, [], "u1's held-out review is its last review")
    XCTAssertEqual(
      try HeldOutSplit(minReviews: 2, category: "gift cards").cases(in: store).map(\.userID), ["u3", "u4"])
    XCTAssertEqual(try HeldOutSplit(minReviews: 2, category: "Books").cases(in: store), [])
  }

  func testCategoryMatchingRules() {
    XCTAssertTrue(
      HeldOutSplit.matches(Item(id: "a", mainCategory: "Magazine Subscriptions"), category: "magazine_subscriptions"))
    XCTAssertTrue(HeldOutSplit.matches(Item(id: "a", categories: ["Books", "Poetry"]), category: "poetry"))
    XCTAssertTrue(
      HeldOutSplit.matches(Item(id: "a", metadataJSON: #"{"category":"Gift_Cards"}"#), category: "Gift Cards"))
    XCTAssertFalse(HeldOutSplit.matches(Item(id: "a", mainCategory: "Books"), category: "Book"))
    XCTAssertFalse(HeldOutSplit.matches(Item(id: "a", metadataJSON: "not json"), category: "Books"))
    XCTAssertFalse(HeldOutSplit.matches(Item(id: "a", metadataJSON: #"{"category":7}"#), category: "7"))
  }

  func testSamplingIsSeededAndNested() {
    let cases = (0..<50).map {
      HeldOutCase(
        userID: "u\($0)", heldOut: Review(userID: "u\($0)", itemID: "i", rating: 5, title: "", text: "", timestamp: 0),
        historyCount: 4)
    }
    let ten = HeldOutSplit.sample(cases, count: 10, seed: 7)
    XCTAssertEqual(ten, HeldOutSplit.sample(cases, count: 10, seed: 7))
    XCTAssertNotEqual(ten, HeldOutSplit.sample(cases, count: 10, seed: 8))
    XCTAssertEqual(Set(ten.map(\.userID)).count, 10)
    XCTAssertEqual(Array(HeldOutSplit.sample(cases, count: 20, seed: 7).prefix(10)), ten)
    XCTAssertNotEqual(ten.map(\.userID), cases.prefix(10).map(\.userID), "the sample is shuffled")
    XCTAssertEqual(Set(HeldOutSplit.sample(cases, count: 500, seed: 7).map(\.userID)), Set(cases.map(\.userID)))
    XCTAssertEqual(HeldOutSplit.sample([], count: 3, seed: 1), [])
  }

  func testRejectsBadParameters() {
    XCTAssertThrowsError(try HeldOutSplit(minReviews: 1)) { error in
      XCTAssertTrue("\(error)".contains("at least 2"), "\(error)")
    }
    XCTAssertThrowsError(try HeldOutSplit(minReviews: 5, category: "  ")) { error in
      XCTAssertTrue("\(error)".contains("--category"), "\(error)")
    }
  }
}

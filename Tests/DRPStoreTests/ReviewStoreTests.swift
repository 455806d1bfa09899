import DRPTestSupport
import XCTest

@testable import DRPStore

final class ReviewStoreTests: XCTestCase {
  private func makeStore(_ dir: TemporaryDirectory) throws -> ReviewStore {
    try ReviewStore(home: dir.path("home"))
  }

  private func review(_ user: String, _ item: String, _ text: String, at time: Int64, rating: Double = 4) -> Review {
    Review(
      userID: user, itemID: item, rating: rating, title: "t", text: text, timestamp: time, helpfulVotes: 2,
      verified: true)
  }

  /// An item's categories as stored (a JSON array of strings); anything else reads as none.
  func testCategoriesColumnParsing() {
    XCTAssertEqual(
      ReviewStore.stringArray(#"["Home", "Kitchen & Dining", "\u00e9t\u00e9 \"x\""]"#),
      ["Home", "Kitchen & Dining", "été \"x\""])
    XCTAssertEqual(ReviewStore.stringArray("[]"), [])
    for bad in ["", "null", #""Home""#, #"["Home", 3]"#, #"{"a": "b"}"#, "[\"unterminated", #"["a"] trailing"#] {
      XCTAssertEqual(ReviewStore.stringArray(bad), [], bad)
    }
  }

  func testAddAndReadBack() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    XCTAssertEqual(try store.stats(), StoreStats(users: 0, items: 0, reviews: 0))
    guard case .inserted(let id) = try store.addReview(review("u1", "i1", "second", at: 2000)) else {
      return XCTFail("expected an insert")
    }
    try store.addReview(review("u1", "i2", "first", at: 1000))
    try store.addReview(review("u2", "i1", "other", at: 1500))
    XCTAssertEqual(try store.addReview(review("u1", "i1", "second", at: 2000)), .duplicate)
    XCTAssertEqual(try store.stats(), StoreStats(users: 2, items: 2, reviews: 3))
    XCTAssertEqual(try store.reviews(ofUser: "u1").map(\.text), ["first", "second"])
    XCTAssertEqual(try store.reviews(ofItem: "i1").map(\.userID), ["u2", "u1"])
    XCTAssertEqual(try store.reviewers(ofItem: "i1"), ["u1", "u2"])
    XCTAssertEqual(try store.allUserIDs(), ["u1", "u2"])
    XCTAssertEqual(try store.user("u1")?.reviewCount, 2)
    XCTAssertNil(try store.user("nobody"))
    XCTAssertNil(try store.item("nothing"))
    let stored = try XCTUnwrap(try store.review(id: id))
    XCTAssertEqual(
      stored,
      Review(
        id: id, userID: "u1", itemID: "i1", rating: 4, title: "t", text: "second", timestamp: 2000, helpfulVotes: 2,
        verified: true))
    XCTAssertNil(try store.review(id: 999_999))
    XCTAssertEqual(try store.users(limit: 1).map(\.id), ["u1"])
  }

  func testOtherReviewerCountsOfSeveralItems() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    try store.addReview(review("me", "i1", "a", at: 1))
    try store.addReview(review("u1", "i1", "b", at: 2))
    try store.addReview(review("u1", "i1", "c", at: 3))  // the same user twice counts once
    guard case .inserted(let hidden) = try store.addReview(review("u2", "i1", "d", at: 4)) else {
      return XCTFail("expected an insert")
    }
    try store.addReview(review("u2", "say \"hi\"", "e", at: 5))
    try store.addReview(review("me", "alone", "f", at: 6))
    let items = ["i1", "say \"hi\"", "alone", "unknown", "i1"]
    XCTAssertEqual(
      try store.otherReviewerCounts(ofItems: items, excludingUser: "me", excludingReviews: []),
      ["i1": 2, "say \"hi\"": 1])
    XCTAssertEqual(
      try store.otherReviewerCounts(ofItems: items, excludingUser: "me", excludingReviews: [hidden]),
      ["i1": 1, "say \"hi\"": 1])
    XCTAssertEqual(try store.otherReviewerCounts(ofItems: [], excludingUser: "me", excludingReviews: []), [:])
  }

  func testSameTextAtAnotherTimeIsNotADuplicate() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    try store.addReview(review("u", "i", "same words", at: 1))
    XCTAssertNotEqual(try store.addReview(review("u", "i", "same words", at: 2)), .duplicate)
    XCTAssertEqual(try store.addReview(review("u", "i", "same words", at: 2)), .duplicate)
    XCTAssertEqual(try store.stats().reviews, 2)
  }

  func testUpsertItemKeepsMetadata() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    try store.addReview(review("u", "i", "x", at: 1))
    XCTAssertEqual(try store.item("i")?.title, "")
    let item = Item(
      id: "i", title: "Kettle", description: "Boils.", categories: ["Home", "Kitchen"], mainCategory: "Home",
      metadataJSON: "{\"price\":3}")
    XCTAssertFalse(try store.upsertItem(item))
    XCTAssertEqual(try store.item("i"), item)
    XCTAssertTrue(try store.upsertItem(Item(id: "new")))
    XCTAssertEqual(try store.stats().items, 2)
  }

  func testTransactionRollsBackOnError() throws {
    struct Boom: Error {}
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    XCTAssertThrowsError(
      try store.transaction { _ in
        try store.addReview(review("u", "i", "x", at: 1))
        throw Boom()
      })
    XCTAssertEqual(try store.stats(), StoreStats(users: 0, items: 0, reviews: 0))
    try store.transaction { _ in
      try store.addReview(review("u", "i", "x", at: 1))
      XCTAssertThrowsError(
        try store.transaction { _ in
          try store.addReview(review("u", "i", "y", at: 2))
          throw Boom()
        })
    }
    XCTAssertEqual(try store.stats().reviews, 1)
  }

  func testCustomSQLAndFloatBlobs() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    let vector: [Float] = [0.5, -1.25, 3e-7, .greatestFiniteMagnitude]
    let back: [Float] = try store.withWriter { db in
      try db.execute("CREATE TABLE vecs (id INTEGER PRIMARY KEY, v BLOB, note TEXT)")
      try db.run("INSERT INTO vecs (v, note) VALUES (?, ?)", [vector, "é ünï"])
      let row = try db.first("SELECT v, note, length(v) FROM vecs WHERE id = ?", [db.lastInsertRowID]) {
        ($0.floats(0), $0.string(1), $0.int(2))
      }
      XCTAssertEqual(row?.1, "é ünï")
      XCTAssertEqual(row?.2, 16)
      return row?.0 ?? []
    }
    XCTAssertEqual(back, vector)
    XCTAssertThrowsError(try store.read { try $0.execute("SELECT * FROM no_such_table") }) { error in
      XCTAssertTrue("\(error)".contains("no_such_table"), "\(error)")
    }
  }

  func testSchemaVersionAndReopen() throws {
    let dir = try TemporaryDirectory()
    do {
      let store = try makeStore(dir)
      XCTAssertEqual(Int(try store.schemaVersion()), StoreMigration.all.count)
      try store.addReview(review("u", "i", "kept", at: 1))
    }
    let reopened = try makeStore(dir)
    XCTAssertEqual(try reopened.stats().reviews, 1)
    let mode = try reopened.read { db in try db.first("PRAGMA journal_mode") { $0.string(0) } }
    XCTAssertEqual(mode, "wal")
    XCTAssertEqual(try reopened.withWriter { try $0.scalar("PRAGMA foreign_keys") }, 1)
  }

  func testOpeningADirectoryPathFails() throws {
    let dir = try TemporaryDirectory()
    XCTAssertThrowsError(try ReviewStore(path: dir.url.path))
  }

  func testConcurrentReadersAndWriterAreSerialised() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    DispatchQueue.concurrentPerform(iterations: 8) { worker in
      for n in 0..<50 {
        let review = Review(
          userID: "u\(worker)", itemID: "i\(n % 5)", rating: 3, title: "", text: "text \(n)", timestamp: Int64(n))
        do {
          try store.addReview(review)
          // A read on a pooled reader connection sees the write committed just before it.
          let count = try store.reviews(ofUser: "u\(worker)").count
          XCTAssertEqual(count, n + 1)
        } catch {
          XCTFail("\(error)")
        }
      }
    }
    XCTAssertEqual(try store.stats(), StoreStats(users: 8, items: 5, reviews: 400))
  }
}

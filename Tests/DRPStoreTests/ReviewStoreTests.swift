import DRPStore
import DRPTestSupport
import XCTest

final class ReviewStoreTests: XCTestCase {
  private func makeStore(_ dir: TemporaryDirectory) throws -> ReviewStore {
    try ReviewStore(home: dir.path("home"))
  }

  private func review(_ user: String, _ item: String, _ text: String, at time: Int64, rating: Double = 4) -> Review {
    Review(
      userID: user, itemID: item, rating: rating, title: "t", text: text, timestamp: time, helpfulVotes: 2,
      verified: true)
  }

  func testAddAndReadBack() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    XCTAssertEqual(store.stats(), StoreStats(users: 0, items: 0, reviews: 0))
    guard case .inserted(let id) = try store.addReview(review("u1", "i1", "second", at: 2000)) else {
      return XCTFail("expected an insert")
    }
    try store.addReview(review("u1", "i2", "first", at: 1000))
    try store.addReview(review("u2", "i1", "other", at: 1500))
    XCTAssertEqual(try store.addReview(review("u1", "i1", "second", at: 2000)), .duplicate)
    XCTAssertEqual(store.stats(), StoreStats(users: 2, items: 2, reviews: 3))
    XCTAssertEqual(store.reviews(ofUser: "u1").map(\.text), ["first", "second"])
    XCTAssertEqual(store.reviews(ofItem: "i1").map(\.userID), ["u2", "u1"])
    XCTAssertEqual(store.reviewers(ofItem: "i1"), ["u1", "u2"])
    XCTAssertEqual(store.allUserIDs(), ["u1", "u2"])
    XCTAssertEqual(store.user("u1")?.reviewCount, 2)
    XCTAssertNil(store.user("nobody"))
    XCTAssertNil(store.item("nothing"))
    let stored = try XCTUnwrap(store.review(id: id))
    XCTAssertEqual(
      stored,
      Review(
        id: id, userID: "u1", itemID: "i1", rating: 4, title: "t", text: "second", timestamp: 2000, helpfulVotes: 2,
        verified: true))
    XCTAssertNil(store.review(id: 999_999))
    XCTAssertEqual(store.users(limit: 1).map(\.id), ["u1"])
  }

  func testSameTextAtAnotherTimeIsNotADuplicate() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    try store.addReview(review("u", "i", "same words", at: 1))
    XCTAssertNotEqual(try store.addReview(review("u", "i", "same words", at: 2)), .duplicate)
    XCTAssertEqual(try store.addReview(review("u", "i", "same words", at: 2)), .duplicate)
    XCTAssertEqual(store.stats().reviews, 2)
  }

  func testUpsertItemKeepsMetadata() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    try store.addReview(review("u", "i", "x", at: 1))
    XCTAssertEqual(store.item("i")?.title, "")
    let item = Item(
      id: "i", title: "Kettle", description: "Boils.", categories: ["Home", "Kitchen"], mainCategory: "Home",
      metadataJSON: "{\"price\":3}")
    XCTAssertFalse(try store.upsertItem(item))
    XCTAssertEqual(store.item("i"), item)
    XCTAssertTrue(try store.upsertItem(Item(id: "new")))
    XCTAssertEqual(store.stats().items, 2)
  }

  func testTransactionRollsBackOnError() throws {
    struct Boom: Error {}
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    XCTAssertThrowsError(
      try store.transaction {
        try store.addReview(review("u", "i", "x", at: 1))
        throw Boom()
      })
    XCTAssertEqual(store.stats(), StoreStats(users: 0, items: 0, reviews: 0))
    try store.transaction {
      try store.addReview(review("u", "i", "x", at: 1))
      XCTAssertThrowsError(
        try store.transaction {
          try store.addReview(review("u", "i", "y", at: 2))
          throw Boom()
        })
    }
    XCTAssertEqual(store.stats().reviews, 1)
  }

  func testCustomSQLAndFloatBlobs() throws {
    let dir = try TemporaryDirectory()
    let store = try makeStore(dir)
    let vector: [Float] = [0.5, -1.25, 3e-7, .greatestFiniteMagnitude]
    let back: [Float] = try store.withConnection { db in
      try db.execute("CREATE TABLE vecs (id INTEGER PRIMARY KEY, v BLOB, note TEXT)")
      let insert = try db.cached("INSERT INTO vecs (v, note) VALUES (?, ?)")
      insert.bind(1, vector)
      insert.bind(2, "é ünï")
      try insert.run()
      let select = try db.prepare("SELECT v, note, length(v) FROM vecs WHERE id = ?")
      select.bind(1, db.lastInsertRowID)
      XCTAssertTrue(try select.step())
      XCTAssertEqual(select.string(1), "é ünï")
      XCTAssertEqual(select.int(2), 16)
      return select.floats(0)
    }
    XCTAssertEqual(back, vector)
    XCTAssertThrowsError(try store.withConnection { try $0.execute("SELECT * FROM no_such_table") }) { error in
      XCTAssertTrue("\(error)".contains("no_such_table"), "\(error)")
    }
  }

  func testSchemaVersionAndReopen() throws {
    let dir = try TemporaryDirectory()
    do {
      let store = try makeStore(dir)
      XCTAssertEqual(Int(store.schemaVersion), StoreMigration.all.count)
      try store.addReview(review("u", "i", "kept", at: 1))
    }
    let reopened = try makeStore(dir)
    XCTAssertEqual(reopened.stats().reviews, 1)
    let mode = try reopened.withConnection { db -> String in
      let stmt = try db.prepare("PRAGMA journal_mode")
      _ = try stmt.step()
      return stmt.string(0)
    }
    XCTAssertEqual(mode, "wal")
    XCTAssertEqual(try reopened.withConnection { try $0.scalar("PRAGMA foreign_keys") }, 1)
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
        _ = try? store.addReview(review)
        _ = store.reviews(ofUser: "u\(worker)")
      }
    }
    XCTAssertEqual(store.stats(), StoreStats(users: 8, items: 5, reviews: 400))
  }
}

import CZlib
import DRPTestSupport
import XCTest

@testable import DRPStore

final class ReviewImporterTests: XCTestCase {
  private func line(
    _ user: String?, _ item: String?, rating: String = "4.0", text: String = "fine", time: Int = 1_600_000_000_000
  ) -> String {
    var fields: [String] = []
    if let user { fields.append("\"user_id\": \"\(user)\"") }
    if let item { fields.append("\"parent_asin\": \"\(item)\"") }
    fields += [
      "\"rating\": \(rating)", "\"title\": \"T\"", "\"text\": \"\(text)\"", "\"timestamp\": \(time)",
      "\"verified_purchase\": true", "\"helpful_vote\": 3",
    ]
    return "{" + fields.joined(separator: ", ") + "}"
  }

  private func write(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  private func importer(_ store: ReviewStore, warnings: WarningLog? = nil, mapping: FieldMapping = FieldMapping())
    -> ReviewImporter
  {
    ReviewImporter(store: store, mapping: mapping, batchSize: 3, reportLimit: 2, warn: { warnings?.append($0) })
  }

  final class WarningLog: @unchecked Sendable {
    var lines: [String] = []
    func append(_ line: String) { lines.append(line) }
  }

  func testImportsReviewsAndMetadataIdempotently() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    let reviews = dir.path("reviews.jsonl"), items = dir.path("items.jsonl")
    try write(
      [line("u1", "i1"), line("u1", "i2", text: "second"), line("u2", "i1"), line("u1", "i1")].joined(separator: "\n")
        + "\n",
      to: reviews)
    try write(
      #"{"parent_asin": "i1", "title": "Lamp", "description": ["Bright.", "Warm."], "categories": ["Home", "Lighting"], "main_category": "Home", "price": 9.5, "details": {"color": "red"}}"#
        + "\n" + #"{"parent_asin": "i9", "title": "Solo", "description": "One line."}"# + "\n", to: items)
    let first = try importer(store).importFiles([reviews, items])
    XCTAssertEqual(first.reviewsAdded, 3)
    XCTAssertEqual(first.duplicates, 1)
    XCTAssertEqual(first.usersAdded, 2)
    XCTAssertEqual(first.itemsAdded, 3)
    XCTAssertEqual(first.itemMetadata, 2)
    XCTAssertEqual(first.skippedTotal, 0)
    let lamp = try XCTUnwrap(try store.item("i1"))
    XCTAssertEqual(lamp.title, "Lamp")
    XCTAssertEqual(lamp.description, "Bright.\nWarm.")
    XCTAssertEqual(lamp.categories, ["Home", "Lighting"])
    XCTAssertEqual(lamp.mainCategory, "Home")
    let extra = try JSONSerialization.jsonObject(with: Data(lamp.metadataJSON.utf8)) as? [String: Any]
    XCTAssertEqual(extra?["price"] as? Double, 9.5)
    XCTAssertEqual((extra?["details"] as? [String: String])?["color"], "red")
    XCTAssertNil(extra?["title"])
    XCTAssertEqual(try store.item("i9")?.description, "One line.")
    let review = try XCTUnwrap(try store.reviews(ofUser: "u1").first)
    XCTAssertEqual(review.helpfulVotes, 3)
    XCTAssertTrue(review.verified)
    XCTAssertEqual(review.timestamp, 1_600_000_000_000)

    let again = try importer(store).importFiles([reviews, items])
    XCTAssertEqual([again.reviewsAdded, again.usersAdded, again.itemsAdded], [0, 0, 0])
    XCTAssertEqual(again.duplicates, 4)
    XCTAssertEqual(try store.stats(), StoreStats(users: 2, items: 3, reviews: 3))
  }

  func testBadLinesAreCountedReportedAndSkipped() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    let path = dir.path("bad.jsonl")
    let lines = [
      line("u1", "i1"),  // 1 good
      "{not json",  // 2 invalid_json
      line(nil, "i1"),  // 3 missing_user
      line("u1", nil),  // 4 missing_item
      #"{"user_id": 17, "parent_asin": "i1", "rating": 3}"#,  // 5 wrong_type
      line("u1", "i1", rating: "7", text: "seven"),  // 6 bad_rating
      line("u1", "i1", rating: "-1", text: "neg"),  // 7 bad_rating
      line("u1", "i1", rating: "\"NaN\"", text: "nan"),  // 8 bad_rating
      #"{"user_id": "u1", "parent_asin": "i1", "rating": 3, "text": {"nested": 1}}"#,  // 9 wrong_type
      line("u1", "i1", rating: "\"x\"", text: "str"),  // 10 bad_rating
      "",  // 11 blank: ignored
      line("u2", "i2", text: "good again"),  // 12 good
      #"{"user_id": "u3", "parent_asin": "i3", "rating": 5, "text": "trunc"#,  // 13 truncated last line
    ]
    try write(lines.joined(separator: "\n"), to: path)
    let log = WarningLog()
    let report = try importer(store, warnings: log).importFiles([path])
    XCTAssertEqual(report.reviewsAdded, 2)
    XCTAssertEqual(report.lines, 12)
    XCTAssertEqual(
      report.skipped.filter { $0.value > 0 },
      ["invalid_json": 2, "missing_user": 1, "missing_item": 1, "wrong_type": 2, "bad_rating": 4])
    XCTAssertEqual(Set(report.skipped.keys), Set(SkipReason.allCases.map(\.rawValue)), "every reason is listed")
    XCTAssertEqual(try store.stats(), StoreStats(users: 2, items: 2, reviews: 2))
    XCTAssertTrue(log.lines.contains { $0.hasPrefix("\(path):2: invalid_json") }, "\(log.lines)")
    XCTAssertTrue(log.lines.contains { $0.hasPrefix("\(path):3: missing_user") })
    XCTAssertTrue(log.lines.contains { $0.hasPrefix("\(path):4: missing_item") })
    XCTAssertTrue(log.lines.contains { $0.hasPrefix("\(path):5: wrong_type") })
    XCTAssertTrue(log.lines.contains { $0.hasPrefix("\(path):13: invalid_json: truncated last line") })
    // Only the first 2 (reportLimit) bad ratings are printed; all 4 are counted.
    XCTAssertEqual(log.lines.filter { $0.contains("bad_rating") }.count, 2)
  }

  func testEmptyFileAndMissingFile() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    try write("", to: dir.path("empty.jsonl"))
    let report = try importer(store).importFiles([dir.path("empty.jsonl")])
    XCTAssertEqual(report.lines, 0)
    XCTAssertEqual(report.files, 1)
    XCTAssertThrowsError(try importer(store).importFiles([dir.path("missing.jsonl")])) { error in
      XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
    }
  }

  private func hasItemIndex(_ store: ReviewStore) throws -> Bool {
    try store.withWriter {
      try $0.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'reviews_by_item_user'")
    } == 1
  }

  func testLookupIndexIsRebuiltAfterABulkImportAFailureOrAKill() throws {
    let dir = try TemporaryDirectory()
    let reviews = dir.path("reviews.jsonl")
    try write([line("u1", "i1"), line("u2", "i1"), line("u2", "i2")].joined(separator: "\n") + "\n", to: reviews)
    do {
      let store = try ReviewStore(home: dir.path("fresh"))
      _ = try importer(store).importFiles([reviews])
      XCTAssertTrue(try hasItemIndex(store))
      XCTAssertEqual(try store.reviewers(ofItem: "i1"), ["u1", "u2"])
    }
    do {
      let store = try ReviewStore(home: dir.path("failed"))
      XCTAssertThrowsError(try importer(store).importFiles([reviews, dir.path("missing.jsonl")]))
      XCTAssertTrue(try hasItemIndex(store))
      XCTAssertEqual(try store.stats().reviews, 3)
      // A process killed mid-import leaves the store without the index it dropped.
      try store.withWriter { try $0.execute("DROP INDEX reviews_by_item_user") }
      XCTAssertFalse(try hasItemIndex(store))
    }
    let reopened = try ReviewStore(home: dir.path("failed"))
    XCTAssertTrue(try hasItemIndex(reopened))
    XCTAssertEqual(try reopened.reviewers(ofItem: "i2"), ["u2"])
  }

  func testGzipInput() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    let path = dir.path("reviews.jsonl.gz")
    let body =
      (0..<2000).map { line("u\($0 % 37)", "i\($0 % 11)", text: "review \($0)") }.joined(separator: "\n") + "\n"
    let gz = try XCTUnwrap(gzopen(path, "wb"))
    XCTAssertEqual(Int(body.withCString { gzwrite(gz, $0, UInt32(strlen($0))) }), body.utf8.count)
    gzclose(gz)
    let report = try importer(store).importFiles([path])
    XCTAssertEqual(report.reviewsAdded, 2000)
    XCTAssertEqual(try store.stats(), StoreStats(users: 37, items: 11, reviews: 2000))

    // A gzip file cut in the middle: what was readable is imported, then a clear error.
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let cut = dir.path("cut.jsonl.gz")
    try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: cut))
    let other = try ReviewStore(home: dir.path("home2"))
    XCTAssertThrowsError(try importer(other).importFiles([cut])) { error in
      XCTAssertTrue("\(error)".contains("cut.jsonl.gz"), "\(error)")
    }
  }

  /// A 3.5 MB line (longer than the 1 MiB read buffer) is read whole: over the default text
  /// limit it is a bad line (`text_too_long`), under a raised limit it is imported intact.
  func testLongLinesAndCRLF() throws {
    let dir = try TemporaryDirectory()
    let path = dir.path("long.jsonl")
    let longText = String(repeating: "word ", count: 700_000)
    try (line("u1", "i1", text: longText) + "\r\n" + line("u2", "i1") + "\r\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    let store = try ReviewStore(home: dir.path("home"))
    let log = WarningLog()
    let report = try importer(store, warnings: log).importFiles([path])
    XCTAssertEqual(report.reviewsAdded, 1)
    XCTAssertEqual(report.skipped["text_too_long"], 1)
    XCTAssertTrue(
      log.lines.contains(
        "\(path):1: text_too_long: text must be at most 65536 bytes (store.max_text_bytes), got 3500000"),
      "\(log.lines)")
    let raised = try ReviewStore(home: dir.path("raised"))
    let big = ReviewImporter(store: raised, rule: ReviewRule(maxTextBytes: 4 << 20), batchSize: 3)
    let whole = try big.importFiles([path])
    XCTAssertEqual(whole.reviewsAdded, 2)
    XCTAssertEqual(whole.skippedTotal, 0)
    XCTAssertEqual(try raised.reviews(ofUser: "u1").first?.text.count, longText.count)
  }

  func testFieldMappingForOtherLayouts() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    let path = dir.path("old.jsonl")
    try write(
      #"{"reviewerID": "R1", "asin": "A1", "overall": 5.0, "summary": "Yes", "reviewText": "Great stuff", "unixReviewTime": 1400000000, "vote": "12", "verified": false}"#
        + "\n", to: path)
    let mapping = try FieldMapping(
      spec:
        "user=reviewerID,item=asin,rating=overall,title=summary,text=reviewText,timestamp=unixReviewTime,helpful=vote")
    let report = try importer(store, mapping: mapping).importFiles([path])
    XCTAssertEqual(report.reviewsAdded, 1)
    let review = try XCTUnwrap(try store.reviews(ofUser: "R1").first)
    XCTAssertEqual(review.text, "Great stuff")
    XCTAssertEqual(review.title, "Yes")
    XCTAssertEqual(review.timestamp, 1_400_000_000_000)
    XCTAssertEqual(review.helpfulVotes, 12)
    XCTAssertThrowsError(try FieldMapping(spec: "author=x"))
    XCTAssertThrowsError(try FieldMapping(spec: "user"))
  }

  func testMetaFilesAreAlwaysMetadata() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    let path = dir.path("meta_Books.jsonl")
    try write(#"{"parent_asin": "B1", "title": "A Book", "rating_number": 10, "average_rating": 4.5}"# + "\n", to: path)
    let report = try importer(store).importFiles([path])
    XCTAssertEqual(report.itemMetadata, 1)
    XCTAssertEqual(try store.item("B1")?.title, "A Book")
    XCTAssertEqual(try store.stats().reviews, 0)
  }

  func testSharedAmazonSubsetImportsExactly() throws {
    let reviews = try TestSupport.sharedDataFile("amazon2018_5core_magazine_giftcards.reviews.jsonl")
    let items = try TestSupport.sharedDataFile("amazon2018_5core_magazine_giftcards.items.jsonl")
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    let first = try ReviewImporter(store: store).importFiles([reviews.path, items.path])
    XCTAssertEqual(first.skippedTotal, 0)
    XCTAssertEqual(try store.stats(), StoreStats(users: 803, items: 298, reviews: 4125))
    let second = try ReviewImporter(store: store).importFiles([reviews.path, items.path])
    XCTAssertEqual([second.reviewsAdded, second.usersAdded, second.itemsAdded], [0, 0, 0])
    XCTAssertEqual(try store.stats(), StoreStats(users: 803, items: 298, reviews: 4125))
  }
}

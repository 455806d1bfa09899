// The DPL row reader: good main and meta rows, and a clear error for every kind of bad line.
import DRPStore
import Foundation
import XCTest

final class DPLRowReaderTests: XCTestCase {
  private func parse(_ text: String) throws(DPLRowError) -> DPLLine? { try DPLRowReader.parse(Data(text.utf8)) }

  private func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> DPLRowError? {
    do {
      let row = try parse(text)
      XCTFail("expected an error, got \(String(describing: row))", file: file, line: line)
      return nil
    } catch {
      return error
    }
  }

  private static let review =
    #"{"user_id":"U1","asin":"A1","title":"Nice","text":"Long text.","rating":4.0,"timestamp":1600000000000}"#

  func testMainRow() throws {
    let line =
      #"{"user_id":"U1","profile":["# + Self.review + ","
      + #"{"asin":"A2","title":"","text":"Second.","rating":5,"timestamp":1600000001}"#
      + #"],"data":{"user_id":"U1","asin":"A3","title":"Target","text":"What to write.","rating":3.0,"timestamp":1600000002000}}"#
    guard case .main(let row) = try parse(line) else { return XCTFail("not a main row") }
    XCTAssertEqual(row.userID, "U1")
    XCTAssertEqual(row.profile.count, 2)
    XCTAssertEqual(
      row.profile[0],
      DPLReview(userID: "U1", itemID: "A1", title: "Nice", text: "Long text.", rating: 4, timestamp: 1_600_000_000_000))
    // A profile review without user_id is the row's user's; seconds become milliseconds.
    XCTAssertEqual(row.profile[1].userID, "U1")
    XCTAssertEqual(row.profile[1].timestamp, 1_600_000_001_000)
    XCTAssertEqual(row.target.itemID, "A3")
    XCTAssertEqual(row.target.text, "What to write.")
  }

  func testMetaRowsAndBlankLines() throws {
    XCTAssertEqual(
      try parse(#"{"asin":"A1","title":"Kettle","description":"Boils fast."}"#),
      .meta(DPLMetaRow(itemID: "A1", title: "Kettle", description: "Boils fast.")))
    XCTAssertEqual(
      try parse(#"{"asin":"A1","title":"Kettle","description":["Boils","fast."]}"#),
      .meta(DPLMetaRow(itemID: "A1", title: "Kettle", description: "Boils fast.")))
    XCTAssertEqual(
      try parse(#"{"asin":"A1","title":null,"description":null}"#),
      .meta(DPLMetaRow(itemID: "A1", title: "", description: "")))
    XCTAssertNil(try parse(""))
    XCTAssertNil(try parse(" \t\r"))
  }

  func testEveryBadLineHasAReason() {
    let cases: [(String, DPLRowError.Reason, String)] = [
      ("{not json", .invalidJSON, "not JSON"),
      ("[1,2]", .invalidJSON, "not a JSON object"),
      ("42", .invalidJSON, "not a JSON object"),
      (#"{"profile":[],"data":"# + Self.review + "}", .missingField, "row.user_id"),
      (#"{"user_id":7,"profile":[],"data":"# + Self.review + "}", .wrongType, "row.user_id"),
      (#"{"user_id":"U1","data":"# + Self.review + "}", .missingField, "profile"),
      (#"{"user_id":"U1","profile":{},"data":"# + Self.review + "}", .wrongType, "profile is not a list"),
      (#"{"user_id":"U1","profile":[]}"#, .missingField, "data"),
      (#"{"user_id":"U1","profile":[3],"data":"# + Self.review + "}", .wrongType, "profile[0] is not an object"),
      (
        #"{"user_id":"U1","profile":[],"data":{"asin":"A","title":"x","text":"t","rating":4}}"#, .missingField,
        "data.timestamp"
      ),
      (
        #"{"user_id":"U1","profile":[],"data":{"asin":"A","title":"x","rating":4,"timestamp":1}}"#, .missingField,
        "data.text"
      ),
      (
        #"{"user_id":"U1","profile":[],"data":{"title":"x","text":"t","rating":4,"timestamp":1}}"#, .missingField,
        "data.asin"
      ),
      (
        #"{"user_id":"U1","profile":[],"data":{"asin":"A","text":5,"rating":4,"timestamp":1}}"#, .wrongType, "data.text"
      ),
      (#"{"user_id":"U1","profile":[],"data":{"asin":"A","text":"t","rating":9,"timestamp":1}}"#, .badRating, "9"),
      (
        #"{"user_id":"U1","profile":[],"data":{"asin":"A","text":"t","rating":"4","timestamp":1}}"#, .badRating,
        "a string"
      ),
      (
        #"{"user_id":"U1","profile":[],"data":{"asin":"A","text":"t","rating":true,"timestamp":1}}"#, .badRating,
        "a boolean"
      ),
      (#"{"user_id":"U1","profile":[],"data":{"asin":"A","text":"t","rating":4,"timestamp":-5}}"#, .badTimestamp, "-5"),
      (
        #"{"user_id":"U1","profile":[],"data":{"asin":"A","text":"t","rating":4,"timestamp":1.5}}"#, .badTimestamp,
        "1.5"
      ),
      (
        #"{"user_id":"U1","profile":[],"data":{"asin":"A","text":"t","rating":4,"timestamp":1e300}}"#, .badTimestamp,
        "data.timestamp"
      ),
      (
        #"{"user_id":"U1","profile":[{"user_id":"U2","asin":"A","text":"t","rating":4,"timestamp":1}],"data":"#
          + Self.review + "}", .userMismatch, "profile[0] is by 'U2'"
      ),
      (#"{"user_id":"  ","profile":[],"data":"# + Self.review + "}", .missingField, "row.user_id is empty"),
      (#"{"title":"no asin","description":"d"}"#, .missingField, "meta row.asin"),
      (#"{"asin":"A","description":[1]}"#, .wrongType, "description"),
      (#"{"asin":"A","description":{"a":1}}"#, .wrongType, "description"),
    ]
    for (text, reason, detail) in cases {
      guard let error = error(text) else { continue }
      XCTAssertEqual(error.reason, reason, text)
      XCTAssertTrue(error.detail.contains(detail), "\(text): \(error.detail)")
      XCTAssertTrue(error.description.hasPrefix(reason.rawValue + ": "), error.description)
    }
  }

  /// A review breaking the store's one rule (`ReviewRule`) skips its row with the importer's reason.
  func testReviewsObeyTheStoresRule() {
    func row(_ review: String) -> String {
      #"{"user_id":"U1","profile":["# + review + #"],"data":"# + Self.review + "}"
    }
    let long = String(repeating: "x", count: 300)
    let cases: [(String, DPLRowError.Reason, String)] = [
      (row(#"{"asin":"\#(long)","text":"t","rating":4,"timestamp":1}"#), .badID, "profile[0].item must be at most 256"),
      (row(#"{"asin":"A\u0007","text":"t","rating":4,"timestamp":1}"#), .badID, "control characters"),
      (row(#"{"asin":"A","title":" ","text":"\n","rating":4,"timestamp":1}"#), .missingText, "profile[0].text"),
      (row(#"{"asin":"A","text":"t","rating":4,"timestamp":1e15}"#), .badTimestamp, "year 9999"),
      (row(#"{"asin":"A","text":"t","rating":-0.5,"timestamp":1}"#), .badRating, "between 0 and 5"),
      (#"{"user_id":"\#(long)","profile":[],"data":"# + Self.review + "}", .badID, "row.user"),
      (#"{"asin":"\#(long)","title":"t"}"#, .badID, "meta row.item"),
    ]
    for (text, reason, detail) in cases {
      guard let error = error(text) else { continue }
      XCTAssertEqual(error.reason, reason, text)
      XCTAssertTrue(error.detail.contains(detail), "\(text): \(error.detail)")
    }
    // The rule's limits are the store's: a shorter text limit rejects what the default accepts.
    let line = Data(row(#"{"asin":"A","text":"twelve bytes","rating":4,"timestamp":1}"#).utf8)
    XCTAssertNoThrow(try DPLRowReader.parse(line))
    XCTAssertThrowsError(try DPLRowReader.parse(line, rule: ReviewRule(maxTextBytes: 8))) {
      XCTAssertEqual(($0 as? DPLRowError)?.reason, .textTooLong)
    }
  }

  /// Arbitrary bytes (cut rows, binary garbage, deep nesting) give a row or an error, never a trap.
  func testArbitraryBytesNeverTrap() {
    let line =
      #"{"user_id":"U1","profile":["# + Self.review + #"],"data":"# + Self.review + "}"
    var generator = SystemRandomNumberGenerator()
    for cut in 0...line.utf8.count {
      _ = try? DPLRowReader.parse(Data(line.utf8.prefix(cut)))
    }
    for _ in 0..<200 {
      let bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
        UInt8.random(in: 0...255, using: &generator)
      }
      _ = try? DPLRowReader.parse(Data(bytes))
    }
    _ = try? DPLRowReader.parse(Data((String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)).utf8))
  }
}

import DRPTestSupport
import Foundation
import XCTest

/// What `drp import` repairs (and says so), what it rejects that it used to take, and gzip
/// files with garbage after the data or a corrupt stream.
final class ImportRepairTests: XCTestCase {
  private func write(_ bytes: [UInt8], _ path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  /// Invalid UTF-8 and an unpaired surrogate escape are replaced (the review is kept), counted
  /// as repaired and reported; a repeated key is a bad line, not "first value wins".
  func testRepairsAreCountedAndDuplicateKeysRejected() throws {
    let dir = try TemporaryDirectory()
    let path = dir.path("reviews.jsonl")
    var bytes = Array(#"{"user_id": "u1", "parent_asin": "i1", "rating": 4, "text": "caf"#.utf8) + [0xE9]
    bytes += Array(#" au lait", "timestamp": 1700000000000}"#.utf8) + [0x0A]
    bytes += Array(#"{"user_id": "u2", "parent_asin": "i1", "rating": 4, "text": "half \ud800 pair"}"#.utf8) + [0x0A]
    bytes += Array(#"{"user_id": "u3", "parent_asin": "i1", "rating": 5, "rating": 1, "text": "twice"}"#.utf8) + [0x0A]
    bytes += Array(#"{"user_id": "u4", "parent_asin": "i1", "rating": 3, "text": "clean"}"#.utf8) + [0x0A]
    try write(bytes, path)
    let result = try drp(home: dir.url.appendingPathComponent("home"), ["import", path, "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try XCTUnwrap(try result.json() as? [String: Any])
    XCTAssertEqual(report["reviews_added"] as? Int, 3)
    XCTAssertEqual((report["repaired"] as? [String: Int])?["invalid_utf8"], 2, "\(report)")
    XCTAssertEqual((report["skipped"] as? [String: Int])?["duplicate_key"], 1, "\(report)")
    XCTAssertTrue(result.stderr.contains("\(path):1: repaired: invalid_utf8"), result.stderr)
    XCTAssertTrue(result.stderr.contains("\(path):2: repaired: invalid_utf8"), result.stderr)
    XCTAssertTrue(
      result.stderr.contains("\(path):3: duplicate_key: key 'rating' appears more than once"), result.stderr)
    let shown = try drp(home: dir.url.appendingPathComponent("home"), ["users", "show", "u1", "--json"])
    XCTAssertTrue(shown.stdout.contains("caf\u{FFFD} au lait"), shown.stdout)
    let plain = try drp(home: dir.url.appendingPathComponent("home"), ["import", path])
    XCTAssertTrue(plain.stdout.contains("repaired:      2 (invalid_utf8: 2)"), plain.stdout)
  }

  /// Bytes after the gzip data are reported (and counted), not silently dropped; the lines
  /// before them are imported.
  func testGzipTrailingGarbageIsReported() throws {
    let dir = try TemporaryDirectory()
    let path = dir.path("reviews.jsonl")
    try #"{"user_id": "u1", "parent_asin": "i1", "rating": 4, "text": "fine"}"#.appending("\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertEqual(try runProcess(URL(fileURLWithPath: "/bin/gzip"), [path]).status, 0)
    let gz = path + ".gz"
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: gz))
    handle.seekToEndOfFile()
    handle.write(Data("this is not gzip\n".utf8))
    try handle.close()
    let result = try drp(home: dir.url.appendingPathComponent("home"), ["import", gz, "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try XCTUnwrap(try result.json() as? [String: Any])
    XCTAssertEqual(report["reviews_added"] as? Int, 1)
    XCTAssertEqual(report["trailing_bytes"] as? Int, 17, "\(report)")
    XCTAssertTrue(
      result.stderr.contains("\(gz): 17 bytes after the end of the gzip data are not gzip data; ignored"), result.stderr
    )
    // Two gzip members back to back are one file, not garbage.
    let second = dir.path("more.jsonl")
    try #"{"user_id": "u2", "parent_asin": "i1", "rating": 2, "text": "meh"}"#.appending("\n")
      .write(toFile: second, atomically: true, encoding: .utf8)
    XCTAssertEqual(try runProcess(URL(fileURLWithPath: "/bin/gzip"), [second]).status, 0)
    let joined = dir.path("joined.jsonl.gz")
    try write(
      Array(try Data(contentsOf: URL(fileURLWithPath: gz)).dropLast(17))
        + Array(try Data(contentsOf: URL(fileURLWithPath: second + ".gz"))), joined)
    let both = try drp(home: dir.url.appendingPathComponent("home2"), ["import", joined, "--json"])
    let bothReport = try XCTUnwrap(try both.json() as? [String: Any])
    XCTAssertEqual(bothReport["reviews_added"] as? Int, 2, both.stderr)
    XCTAssertEqual(bothReport["trailing_bytes"] as? Int, 0)
  }

  /// A corrupt or cut gzip stream is an error naming the file once.
  func testCorruptGzipErrorNamesTheFileOnce() throws {
    let dir = try TemporaryDirectory()
    let path = dir.path("reviews.jsonl")
    let body = (0..<400).map { #"{"user_id": "u\#($0)", "parent_asin": "i1", "rating": 4, "text": "text \#($0)"}"# }
    try (body.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    XCTAssertEqual(try runProcess(URL(fileURLWithPath: "/bin/gzip"), [path]).status, 0)
    var data = Array(try Data(contentsOf: URL(fileURLWithPath: path + ".gz")))
    let cut = dir.path("cut.jsonl.gz")
    try write(Array(data.prefix(data.count / 2)), cut)
    for index in stride(from: 40, to: data.count - 40, by: 7) { data[index] ^= 0x5A }
    let corrupt = dir.path("corrupt.jsonl.gz")
    try write(data, corrupt)
    for (file, problem) in [(cut, "truncated"), (corrupt, "corrupt")] {
      let result = try drp(home: dir.url.appendingPathComponent("home-\(problem)"), ["import", file])
      XCTAssertEqual(result.status, 1, result.stderr)
      XCTAssertTrue(result.stderr.contains("compressed data is \(problem)"), result.stderr)
      XCTAssertEqual(result.stderr.components(separatedBy: file).count - 1, 1, "named once: \(result.stderr)")
    }
  }
}

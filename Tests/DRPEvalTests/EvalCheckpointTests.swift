// The checkpoint file: round trip, a line cut by a kill, corrupt lines, starting fresh.
import DRPEval
import DRPReasoning
import DRPTestSupport
import XCTest

final class EvalCheckpointTests: XCTestCase {
  private func sample(_ user: String, _ mode: PipelineMode = .rag) -> EvalSample {
    EvalSample(
      user: user, item: "item", mode: mode, reviewID: 7, prediction: "p \"quoted\"\nline", reference: "r",
      llmCalls: 2, tokens: 30, seconds: 0.5)
  }

  private func heldOut(_ user: String, text: String = "r") -> HeldOutCase {
    HeldOutCase(
      userID: user, heldOut: .init(id: 7, userID: user, itemID: "item", rating: 3, title: "", text: text, timestamp: 1),
      historyCount: 4)
  }

  func testRoundTripAndLookup() throws {
    let directory = try TemporaryDirectory()
    let path = EvalCheckpoint.path(home: directory.path("home"), fingerprint: "f00d")
    XCTAssertTrue(path.hasSuffix("/home/eval/f00d.jsonl"))
    let first = try EvalCheckpoint(path: path)
    try first.record(sample("a"))
    try first.record(sample("b", .drp))
    let reopened = try EvalCheckpoint(path: path)
    XCTAssertEqual(reopened.count, 2)
    XCTAssertEqual(reopened.sample(for: heldOut("a"), mode: .rag), sample("a"))
    XCTAssertNil(reopened.sample(for: heldOut("a"), mode: .drp))
    XCTAssertNil(reopened.sample(for: heldOut("a", text: "changed"), mode: .rag))
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count, 2)
  }

  func testPartialLastLineIsDroppedAndAppendingContinues() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("c.jsonl")
    try EvalCheckpoint(path: path).record(sample("a"))
    let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"user":"b","ite"#.utf8))
    try handle.close()
    let repaired = try EvalCheckpoint(path: path)
    XCTAssertEqual(repaired.count, 1)
    try repaired.record(sample("c"))
    let again = try EvalCheckpoint(path: path)
    XCTAssertEqual(again.count, 2)
    XCTAssertNotNil(again.sample(for: heldOut("c"), mode: .rag))
  }

  func testCorruptCompleteLineIsAnError() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("c.jsonl")
    try Data("{\"user\":1}\n".utf8).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try EvalCheckpoint(path: path)) { error in
      XCTAssertTrue("\(error)".contains("line 1 is not a sample"), "\(error)")
    }
    XCTAssertEqual(try EvalCheckpoint(path: path, fresh: true).count, 0)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count, 0)
  }

  func testUnwritableLocationIsAnError() throws {
    let directory = try TemporaryDirectory()
    try Data("x".utf8).write(to: URL(fileURLWithPath: directory.path("file")))
    XCTAssertThrowsError(try EvalCheckpoint(path: directory.path("file/eval/c.jsonl"))) { error in
      XCTAssertTrue("\(error)".contains("cannot be used"), "\(error)")
    }
  }
}

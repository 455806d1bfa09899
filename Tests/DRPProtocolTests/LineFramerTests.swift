import DRPProtocol
import XCTest

final class LineFramerTests: XCTestCase {
  private func feed(_ framer: inout LineFramer, _ text: String) {
    Array(text.utf8).withUnsafeBytes { framer.append($0) }
  }

  private func drain(_ framer: inout LineFramer) -> [String] {
    var out: [String] = []
    while let event = framer.next() {
      switch event {
      case .line(let bytes): out.append(String(decoding: bytes, as: UTF8.self))
      case .tooLong: out.append("<too long>")
      }
    }
    return out
  }

  func testSplitsAcrossChunksStripsCRAndSkipsEmptyLines() {
    var framer = LineFramer(maxLineBytes: 100)
    feed(&framer, "ab")
    XCTAssertEqual(drain(&framer), [])
    feed(&framer, "c\r\n\n\r\nde")
    XCTAssertEqual(drain(&framer), ["abc"])
    feed(&framer, "f\ng\n")
    XCTAssertEqual(drain(&framer), ["def", "g"])
    XCTAssertEqual(framer.bufferedBytes, 0)
  }

  func testOverlongLineIsReportedOnceDiscardedAndFramingRecovers() {
    var framer = LineFramer(maxLineBytes: 10)
    feed(&framer, "ok\n" + String(repeating: "x", count: 25))
    XCTAssertEqual(drain(&framer), ["ok", "<too long>"])
    for _ in 0..<100 {
      feed(&framer, String(repeating: "y", count: 1000))
      XCTAssertEqual(drain(&framer), [])
      XCTAssertLessThanOrEqual(framer.bufferedBytes, 10, "discarded bytes must not be buffered")
    }
    feed(&framer, "yyy\nnext\n")
    XCTAssertEqual(drain(&framer), ["next"])
    // A too-long line that arrives complete in one chunk.
    feed(&framer, String(repeating: "z", count: 11) + "\nafter\n")
    XCTAssertEqual(drain(&framer), ["<too long>", "after"])
    // Exactly at the limit is accepted.
    feed(&framer, String(repeating: "w", count: 10) + "\n")
    XCTAssertEqual(drain(&framer), [String(repeating: "w", count: 10)])
    // ...also when its `\r\n` terminator is split across reads.
    feed(&framer, String(repeating: "v", count: 10) + "\r")
    XCTAssertEqual(drain(&framer), [])
    feed(&framer, "\n")
    XCTAssertEqual(drain(&framer), [String(repeating: "v", count: 10)])
  }
}

import Foundation
import XCTest

@testable import DRPOpenAI

/// The server-sent-events parser, including bad and awkward input.
final class SSEParserTests: XCTestCase {
  func testEventsSplitAtEveryByteBoundary() {
    let body = Data(
      "data: {\"a\":\"é☃\"}\r\n\r\n: comment\n\nevent: x\nid: 3\ndata: line1\ndata:line2\n\ndata: [DONE]\n\n".utf8)
    for cut in 0...body.count {
      var parser = SSEParser()
      let events = parser.feed(body.prefix(cut)) + parser.feed(body.dropFirst(cut))
      XCTAssertEqual(events, ["{\"a\":\"é☃\"}", "line1\nline2", "[DONE]"], "cut at \(cut)")
      XCTAssertNil(parser.finish())
    }
  }

  func testUnterminatedLastEventIsDeliveredByFinish() {
    var parser = SSEParser()
    XCTAssertEqual(parser.feed(Data("data: one\n\ndata: two".utf8)), ["one"])
    XCTAssertEqual(parser.finish(), "two")
  }

  func testLinesWithoutDataAreIgnored() {
    var parser = SSEParser()
    XCTAssertEqual(parser.feed(Data("garbage line\nretry: 10\n\n\n\ndatum: no\n\n".utf8)), [])
    XCTAssertNil(parser.finish())
  }

  func testInvalidUTF8DoesNotCrash() {
    var parser = SSEParser()
    let events = parser.feed(Data([0x64, 0x61, 0x74, 0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A, 0x0A]))
    XCTAssertEqual(events.count, 1)
  }
}

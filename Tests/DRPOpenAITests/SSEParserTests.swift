import Foundation
import XCTest

@testable import DRPOpenAI

/// The server-sent-events parser, including bad and awkward input.
final class SSEParserTests: XCTestCase {
  func testEventsSplitAtEveryByteBoundary() throws {
    let body = Data(
      "data: {\"a\":\"é☃\"}\r\n\r\n: comment\n\nevent: x\nid: 3\ndata: line1\ndata:line2\n\ndata: [DONE]\n\n".utf8)
    for cut in 0...body.count {
      var parser = SSEParser()
      let events = try parser.feed(body.prefix(cut)) + parser.feed(body.dropFirst(cut))
      XCTAssertEqual(events, ["{\"a\":\"é☃\"}", "line1\nline2", "[DONE]"], "cut at \(cut)")
      XCTAssertNil(try parser.finish())
    }
  }

  func testUnterminatedLastEventIsDeliveredByFinish() throws {
    var parser = SSEParser()
    XCTAssertEqual(try parser.feed(Data("data: one\n\ndata: two".utf8)), ["one"])
    XCTAssertEqual(try parser.finish(), "two")
  }

  func testLinesWithoutDataAreIgnored() throws {
    var parser = SSEParser()
    XCTAssertEqual(try parser.feed(Data("garbage line\nretry: 10\n\n\n\ndatum: no\n\n".utf8)), [])
    XCTAssertNil(try parser.finish())
  }

  func testInvalidUTF8DoesNotCrash() throws {
    var parser = SSEParser()
    let events = try parser.feed(Data([0x64, 0x61, 0x74, 0x61, 0x3A, 0x20, 0xFF, 0xFE, 0x0A, 0x0A]))
    XCTAssertEqual(events.count, 1)
  }

  /// A line just under the limit, fed in small chunks, is one event; the scan offset keeps the
  /// bytes already searched (the line is long enough to be compacted several times).
  func testLongLineInSmallChunksIsOneEvent() throws {
    var parser = SSEParser(maxLineBytes: 200_000)
    let payload = String(repeating: "abcdefghij", count: 19_000)
    let body = Array(("noise\ndata: " + payload + "\r\n\ndata: next\n\n").utf8)
    var events: [String] = []
    var offset = 0
    while offset < body.count {
      events += try parser.feed(body[offset..<min(offset + 997, body.count)])
      offset += 997
    }
    XCTAssertEqual(events, [payload, "next"])
    XCTAssertNil(try parser.finish())
  }

  /// A line without a newline fails as soon as it passes the limit, however it is chunked.
  func testLineWithoutNewlineFailsAtTheLimit() throws {
    for chunk in [1, 4096, 70_000] {
      var parser = SSEParser(maxLineBytes: 100_000)
      var fed = 0
      var failure: SSEParser.Failure?
      let piece = [UInt8](repeating: UInt8(ascii: "a"), count: chunk)
      _ = try parser.feed(Array("data: ".utf8))
      while fed < 300_000 && failure == nil {
        do { _ = try parser.feed(piece) } catch { failure = error }
        fed += chunk
      }
      XCTAssertEqual(failure, .lineTooLong(limit: 100_000), "chunk \(chunk)")
      XCTAssertLessThanOrEqual(fed, 100_000 + chunk, "stopped within one chunk of the limit (chunk \(chunk))")
    }
    var whole = SSEParser(maxLineBytes: 10)
    XCTAssertThrowsError(try whole.feed(Array("data: 12345\n".utf8))) {
      XCTAssertEqual($0 as? SSEParser.Failure, .lineTooLong(limit: 10))
    }
    var last = SSEParser(maxLineBytes: 10)
    _ = try last.feed(Array("data: 1234".utf8))
    XCTAssertEqual(try last.finish(), "1234", "exactly the limit is allowed")
  }

  /// A line of exactly the limit ended by CRLF passes whatever the split, also between its CR
  /// and LF (the CR is not part of the line; found by `scripts/fuzz.sh sse`).
  func testLineAtTheLimitWithCRLFPassesAtEverySplit() throws {
    let body = Array("data: 1234\r\n\r\n".utf8)  // the line "data: 1234" is 10 bytes
    for split in 0...body.count {
      var parser = SSEParser(maxLineBytes: 10)
      var events = try parser.feed(body[..<split])
      events += try parser.feed(body[split...])
      XCTAssertEqual(events, ["1234"], "split at \(split)")
    }
    var over = SSEParser(maxLineBytes: 10)
    XCTAssertThrowsError(try over.feed(Array("data: 12345\r".utf8)), "11 bytes before the CR are over the limit") {
      XCTAssertEqual($0 as? SSEParser.Failure, .lineTooLong(limit: 10))
    }
  }

  /// Many short data lines cannot pile up into one unbounded event either.
  func testEventDataIsBounded() throws {
    var parser = SSEParser(maxLineBytes: 1000)
    XCTAssertThrowsError(try parser.feed(Array(String(repeating: "data: 0123456789\n", count: 100).utf8))) {
      XCTAssertEqual($0 as? SSEParser.Failure, .eventTooLarge(limit: 1000))
    }
    var fits = SSEParser(maxLineBytes: 1000)
    XCTAssertEqual(
      try fits.feed(Array((String(repeating: "data: 0123456789\n", count: 50) + "\n").utf8)).first?.count, 549)
  }
}

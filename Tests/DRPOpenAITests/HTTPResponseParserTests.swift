import Foundation
import XCTest

@testable import DRPOpenAI

/// The incremental HTTP/1.1 response parser: framing, split points and bad input.
final class HTTPResponseParserTests: XCTestCase {
  private let chunked = Array(
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n"
      + "5\r\nHello\r\n7;name=value\r\n, world\r\n1A\r\n and twenty-six more bytes\r\n0\r\nX-Trailer: t\r\n\r\n").utf8)
  private let chunkedBody = "Hello, world and twenty-six more bytes"

  func testChunkedBodyAtEverySplitPoint() throws {
    for split in 0...chunked.count {
      var parser = HTTPResponseParser()
      var body = try parser.feed(chunked[..<split])
      body += try parser.feed(chunked[split...])
      XCTAssertEqual(String(decoding: body, as: UTF8.self), chunkedBody, "split at \(split)")
      XCTAssertTrue(parser.isComplete, "split at \(split)")
      XCTAssertEqual(parser.head?.headers, ["transfer-encoding": "chunked", "content-type": "text/event-stream"])
      XCTAssertEqual(parser.head?.status, 200)
      XCTAssertNoThrow(try parser.finish())
    }
  }

  func testChunkedBodyOneByteAtATime() throws {
    var parser = HTTPResponseParser()
    var body: [UInt8] = []
    for byte in chunked { body += try parser.feed([byte]) }
    XCTAssertEqual(String(decoding: body, as: UTF8.self), chunkedBody)
    XCTAssertTrue(parser.isComplete)
  }

  func testContentLengthHeadersAreCaseInsensitiveAndExtraBytesIgnored() throws {
    var parser = HTTPResponseParser()
    let body = try parser.feed(Array("HTTP/1.1 429 Too Many\nretry-AFTER: 3\ncontent-length: 4\n\nabcdEXTRA".utf8))
    XCTAssertEqual(String(decoding: body, as: UTF8.self), "abcd")
    XCTAssertEqual(parser.head?.status, 429)
    XCTAssertEqual(parser.head?.headers["retry-after"], "3")
    XCTAssertTrue(parser.isComplete)
  }

  func testInterimResponseIsSkippedAndBodyRunsUntilClose() throws {
    var parser = HTTPResponseParser()
    var body = try parser.feed(Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\npart one".utf8))
    body += try parser.feed(Array(", part two".utf8))
    XCTAssertEqual(parser.head?.status, 200)
    XCTAssertFalse(parser.isComplete)
    XCTAssertNoThrow(try parser.finish())
    XCTAssertEqual(String(decoding: body, as: UTF8.self), "part one, part two")
  }

  func testBodyEndingEarlyIsAnError() throws {
    let cases: [(String, String)] = [
      ("", "no response"),
      ("HTTP/1.1 200 OK\r\nContent-Le", "inside the headers"),
      ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", "7 bytes of the body missing"),
      ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "the chunked body was not terminated"),
      ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", "the chunked body was not terminated"),
    ]
    for (input, detail) in cases {
      var parser = HTTPResponseParser()
      _ = try parser.feed(Array(input.utf8))
      XCTAssertThrowsError(try parser.finish(), input.debugDescription) { error in
        XCTAssertEqual(error as? HTTPResponseParser.Failure, .endedEarly(detail))
        XCTAssertTrue("\(error)".contains("closed before the response was complete"))
      }
    }
  }

  func testHeaderBlockOverTheLimitIsRejected() throws {
    var parser = HTTPResponseParser()
    let filler = "X-Filler: " + String(repeating: "a", count: 1000) + "\r\n"
    _ = try parser.feed(Array("HTTP/1.1 200 OK\r\n".utf8))
    var failure: HTTPResponseParser.Failure?
    for _ in 0..<70 where failure == nil {
      do { _ = try parser.feed(Array(filler.utf8)) } catch { failure = error }
    }
    XCTAssertEqual(failure, .headerTooLarge(limit: 64 * 1024))
    var single = HTTPResponseParser(maxHeaderBytes: 100)
    XCTAssertThrowsError(try single.feed(Array(("HTTP/1.1 200 OK\r\nX: " + String(repeating: "b", count: 200)).utf8))) {
      XCTAssertEqual($0 as? HTTPResponseParser.Failure, .headerTooLarge(limit: 100))
    }
  }

  func testMalformedResponsesAreRejected() {
    let cases: [(String, HTTPResponseParser.Failure)] = [
      ("SSH-2.0-OpenSSH\r\n\r\n", .badStatusLine("SSH-2.0-OpenSSH")),
      ("HTTP/1.1 2000 OK\r\n\r\n", .badStatusLine("HTTP/1.1 2000 OK")),
      ("HTTP/1.1 abc OK\r\n\r\n", .badStatusLine("HTTP/1.1 abc OK")),
      ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", .badHeaderLine("no colon here")),
      ("HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n", .badContentLength("-4")),
      ("HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n", .badContentLength("ten")),
      ("HTTP/1.1 200 OK\r\nContent-Length: +4\r\n\r\n", .badContentLength("+4")),
      ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", .badContentLength("99999999999999999999")),
      ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n", .badChunk("invalid chunk size '-5'")),
      ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n+5\r\nhello\r\n", .badChunk("invalid chunk size '+5'")),
      ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n", .badChunk("invalid chunk size '0x5'")),
      ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .badChunk("invalid chunk size 'zz'")),
      ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", .badChunk("invalid chunk size ''")),
      (
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n",
        .badChunk("a chunk is longer than its declared size")
      ),
      (
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n",
        .badChunk("invalid chunk size 'FFFFFFFFFFFFFFFFFF'")
      ),
    ]
    for (input, expected) in cases {
      var parser = HTTPResponseParser()
      XCTAssertThrowsError(try parser.feed(Array(input.utf8)), input.debugDescription) { error in
        XCTAssertEqual(error as? HTTPResponseParser.Failure, expected, input.debugDescription)
      }
    }
  }

  func testNoContentStatusHasNoBody() throws {
    var parser = HTTPResponseParser()
    let body = try parser.feed(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
    XCTAssertTrue(body.isEmpty)
    XCTAssertTrue(parser.isComplete)
  }
}

/// Whether a response leaves its connection open for the next request (keep-alive).
final class HTTPKeepAliveParserTests: XCTestCase {
  private func parsed(_ text: String) throws -> HTTPResponseParser {
    var parser = HTTPResponseParser()
    _ = try parser.feed(Array(text.utf8))
    return parser
  }

  func testHTTP11KeepsTheConnectionUnlessTheServerSaysClose() throws {
    XCTAssertTrue(try parsed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}").keepsConnection)
    XCTAssertTrue(try parsed("HTTP/1.1 503 Busy\r\nContent-Length: 2\r\n\r\n{}").keepsConnection)
    XCTAssertTrue(
      try parsed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").keepsConnection)
    XCTAssertFalse(try parsed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").keepsConnection)
    XCTAssertFalse(
      try parsed("HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 0\r\n\r\n").keepsConnection)
  }

  func testHTTP10KeepsTheConnectionOnlyWhenAskedTo() throws {
    XCTAssertFalse(try parsed("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}").keepsConnection)
    XCTAssertTrue(
      try parsed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\n{}").keepsConnection)
  }

  func testIncompleteUntilCloseOrOverlongResponsesDoNot() throws {
    XCTAssertFalse(try parsed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}").keepsConnection, "body incomplete")
    XCTAssertFalse(try parsed("HTTP/1.1 200 OK\r\n\r\n{}").keepsConnection, "a body until close")
    XCTAssertFalse(try parsed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}X").keepsConnection, "bytes after it")
    XCTAssertFalse(try parsed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n").keepsConnection, "headers incomplete")
  }
}

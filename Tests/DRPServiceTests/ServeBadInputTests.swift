import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPTestSupport
import Foundation
import Glibc
import XCTest

/// Hostile and malformed input against a real `drp serve` process: every bad request gets its
/// documented error, the process keeps answering and leaks no file descriptors.
final class ServeBadInputTests: XCTestCase {
  /// Wrong params for every app method: (method, params, the field the error must name).
  private static let wrongParams: [(String, JSONValue, String)] = [
    ("stats", ["extra": 1], "extra"),
    ("neighbors", [:], "user"),
    ("neighbors", ["user": 7], "user"),
    ("neighbors", ["user": ""], "user"),
    ("neighbors", ["user": "u", "vector": [1.0]], "vector"),
    ("neighbors", ["vector": "abc"], "vector"),
    ("neighbors", ["vector": [1.0, 2.0]], "vector"),
    ("neighbors", ["vector": .array(Array(repeating: 0.0, count: 384))], "vector"),
    ("neighbors", ["vector": .array(Array(repeating: "x", count: 384))], "vector"),
    ("neighbors", ["user": "u", "k": 0], "k"),
    ("neighbors", ["user": "u", "k": 1001], "k"),
    ("neighbors", ["user": "u", "k": "10"], "k"),
    ("neighbors", ["user": "u", "k": 2.5], "k"),
    ("neighbors", ["user": "u", "item": 3], "item"),
    ("neighbors", ["user": "u", "usr": "v"], "usr"),
    ("peers", ["item": "i"], "user"),
    ("peers", ["user": "u"], "item"),
    ("peers", ["user": "u", "item": "i", "strategy": "best"], "strategy"),
    ("peers", ["user": "u", "item": "i", "n": 0], "n"),
    ("peers", ["user": "u", "item": "i", "n": [1]], "n"),
    ("users.get", [:], "user"),
    ("users.get", ["user": ["a"]], "user"),
    ("users.get", ["user": "u", "limit": -1], "limit"),
    ("reviews.add", ["item": "i", "rating": 5, "text": "t"], "user"),
    ("reviews.add", ["user": "u", "rating": 5, "text": "t"], "item"),
    ("reviews.add", ["user": "u", "item": "i", "text": "t"], "rating"),
    ("reviews.add", ["user": "u", "item": "i", "rating": 9, "text": "t"], "rating"),
    ("reviews.add", ["user": "u", "item": "i", "rating": "5", "text": "t"], "rating"),
    ("reviews.add", ["user": "u", "item": "i", "rating": 5], "text"),
    ("reviews.add", ["user": "u", "item": "i", "rating": 5, "text": "  "], "text"),
    ("reviews.add", ["user": "u", "item": "i", "rating": 5, "text": "t", "title": false], "title"),
    ("reviews.add", ["user": "u", "item": "i", "rating": 5, "text": "t", "timestamp": -5], "timestamp"),
    ("reviews.add", ["user": "u", "item": "i", "rating": 5, "text": "t", "stars": 5], "stars"),
    ("profile", [:], "user"),
    ("profile", ["user": 1], "user"),
    ("profile", ["user": "u", "mode": "nonp"], "mode"),
    ("profile", ["user": "u", "mode": "best"], "mode"),
    ("profile", ["user": "u", "samples": 99], "samples"),
    ("profile", ["user": "u", "refresh": "yes"], "refresh"),
    ("profile", ["user": "u", "strategy": "best"], "strategy"),
    ("profile", ["user": "u", "colour": "red"], "colour"),
    ("profile", ["user": "u"], "item"),
    ("profile", ["user": "u", "item": ""], "item"),
    ("profile", ["user": "u", "item": "i", "preset": "authors"], "preset"),
    ("profile", ["user": "u", "item": "i", "top_p": 2], "top_p"),
    ("generate", ["item": "i"], "user"),
    ("generate", ["user": "u"], "item"),
    ("generate", ["user": "u", "item": "i", "rating": "good"], "rating"),
    ("generate", ["user": "u", "item": "i", "stream": 1], "stream"),
    ("generate", ["user": "u", "item": "i", "title": 3], "title"),
    ("generate", ["user": "u", "item": "i", "max_tokens": 0], "max_tokens"),
    ("generate", ["user": "u", "item": "i", "temperature": "hot"], "temperature"),
    ("cancel", [:], "id"),
    ("cancel", ["id": true], "id"),
  ]

  func testWrongParamsOfEveryMethodNameTheField() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.tcp)
    for (number, (method, params, field)) in Self.wrongParams.enumerated() {
      let reply = connection.call(method, params, id: .int(Int64(number)))
      XCTAssertEqual(reply?["error"]?["code"], -32602, "\(method) \(params): \(String(describing: reply))")
      XCTAssertEqual(reply?["error"]?["data"]?["field"]?.string, field, "\(method) \(params)")
    }
    // Params that are not an object, and an unknown method.
    connection.write(#"{"jsonrpc":"2.0","id":"arr","method":"neighbors","params":[1,2]}"# + "\n")
    XCTAssertEqual(connection.readLine()?["error"]?["code"], -32602)
    XCTAssertEqual(connection.call("reviews.delete", ["id": 1], id: "unknown")?["error"]?["code"], -32601)
    XCTAssertEqual(connection.call("ping", id: "alive")?["result"], ["pong": true])
  }

  func testMalformedLinesHugeLinesChurnAndNoDescriptorLeak() throws {
    let serve = try ServeProcess()
    // Warm up every lane before counting descriptors.
    let warm = try RawConnection(serve.unix)
    XCTAssertNotNil(warm.call("stats", id: 1)?["result"])
    XCTAssertNotNil(warm.call("users.get", ["user": "nobody"], id: 2)?["error"])
    let connection = try RawConnection(serve.tcp)
    XCTAssertEqual(connection.call("ping", id: 0)?["result"], ["pong": true])
    let before = serve.openDescriptors()
    XCTAssertGreaterThan(before, 0)

    let lines: [([UInt8], Int)] = [
      (Array("garbage ☃ \u{1}".utf8), -32700),
      ([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D], -32700),
      (
        Array(#"{"jsonrpc":"2.0","id":1,"method":"users.get","params":{"user":""#.utf8) + [0xED, 0xA0, 0x80]
          + Array(#""}}"#.utf8), -32700
      ),
      (Array(String(repeating: "[", count: 100_000).utf8), -32700),
      (Array((String(repeating: #"{"a":"#, count: 70) + "1" + String(repeating: "}", count: 70)).utf8), -32700),
      (Array(#"{"jsonrpc":"2.0","id":2,"method":"neighbors","params":{"user":"u","k":1e999}}"#.utf8), -32700),
      (Array(#"{"jsonrpc":"2.0","id":3,"method":"neighbors","params":{"k":1,"k":2}}"#.utf8), -32700),
      (Array(#"{"jsonrpc":"1.0","id":4,"method":"ping"}"#.utf8), -32600),
      (Array(#"[]"#.utf8), -32600),
      (Array(#"{"jsonrpc":"2.0","id":5,"method":"users.get","params":["SU0000001"]}"#.utf8), -32602),
      (Array(#"{"jsonrpc":"2.0","id":6,"method":"ping"} {}"#.utf8), -32700),
      (Array("null".utf8), -32600),
    ]
    for (line, code) in lines {
      connection.write(line + [0x0A])
      XCTAssertEqual(
        connection.readLine()?["error"]?["code"]?.int, code, String(decoding: line.prefix(60), as: UTF8.self))
    }

    // A 10 MiB line: one -32001 reply, then the connection works.
    let huge = Thread {
      connection.write(Array(#"{"jsonrpc":"2.0","id":7,"method":"users.get","params":{"user":""#.utf8))
      let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
      for _ in 0..<10 { connection.write(chunk) }
      connection.write(Array(#""}}"#.utf8) + [0x0A])
      connection.request("ping", id: 8)
    }
    huge.start()
    XCTAssertEqual(connection.readLine(timeout: .seconds(30))?["error"]?["code"], -32001)
    XCTAssertEqual(connection.readLine(timeout: .seconds(30))?["id"], 8)

    // 1,000 connections opened and dropped: some mid-line, some with requests in flight.
    for round in 0..<10 {
      var batch: [RawConnection] = []
      for index in 0..<100 {
        let client = try RawConnection(index.isMultiple(of: 2) ? serve.tcp : serve.unix)
        if index.isMultiple(of: 3) { client.write(#"{"jsonrpc":"2.0","id":1,"method":"neigh"#) }
        if index.isMultiple(of: 7) {
          client.request("neighbors", id: 1, params: ["vector": .array(Array(repeating: 1.0, count: 384)), "k": 1000])
        }
        batch.append(client)
      }
      XCTAssertEqual(batch.count, 100, "round \(round)")
    }
    // Half a line, then disconnect.
    do {
      let half = try RawConnection(serve.tcp)
      half.write(#"{"jsonrpc":"2.0","id":1,"method":"pi"#)
    }
    XCTAssertEqual(connection.call("ping", id: "still")?["result"], ["pong": true])
    XCTAssertEqual(warm.call("stats", id: 3)?["result"]?["store"]?["users"], 120)
    let after = serve.settleDescriptors(to: before)
    XCTAssertEqual(after, before, "file descriptors of drp serve before \(before), after \(after)")
  }
}

import DRPCore
import DRPProtocol
import DRPTestSupport
import Foundation
import XCTest

/// `drp call` against a real `drp serve`.
final class CallCommandTests: XCTestCase {
  func testCallPrintsResultsErrorsAndStreamsDeltas() throws {
    let serve = try ServeProcess()
    let address = "unix:" + serve.socketPath
    let ping = try serve.cli(["call", "ping", "--connect", address])
    XCTAssertEqual(ping.status, 0, ping.stderr)
    XCTAssertEqual(ping.stdout, #"{"pong":true}"# + "\n")

    let env = try serve.cli(["call", "stats"], environment: ["DRP_CONNECT": "127.0.0.1:\(serve.tcp.port ?? 0)"])
    XCTAssertEqual(try JSONParser().parse(env.stdout)["store"]?["users"], 120, env.stderr)
    // The form the server announces (`listening tcp HOST:PORT`), with the scheme of `unix:PATH`.
    for form in ["tcp:127.0.0.1:\(serve.tcp.port ?? 0)", "tcp://127.0.0.1:\(serve.tcp.port ?? 0)"] {
      let tcp = try serve.cli(["call", "ping", "--connect", form])
      XCTAssertEqual(tcp.stdout, #"{"pong":true}"# + "\n", "\(form): \(tcp.stderr)")
    }

    let failed = try serve.cli(["call", "users.get", #"{"user":"nobody"}"#, "--connect", address])
    XCTAssertEqual(failed.status, 1)
    XCTAssertTrue(failed.stderr.contains("unknown user 'nobody' (code -32010)"), failed.stderr)
    XCTAssertEqual(failed.stdout, "")

    let badJSON = try serve.cli(["call", "ping", "{nope", "--connect", address])
    XCTAssertEqual(badJSON.status, 2, badJSON.stderr)

    let user = String(try serve.cli(["users", "list", "--limit", "1"]).stdout.split(separator: "\t")[0])
    let item =
      try JSONParser().parse(
        try serve.cli(["call", "users.get", #"{"user":"\#(user)","limit":1}"#, "--connect", address]).stdout)[
        "reviews"]?[
        0]?["item_id"]?.string ?? ""
    let streamed = try serve.cli([
      "call", "generate", #"{"user":"\#(user)","item":"\#(item)","mode":"rag","stream":true}"#, "--connect", address,
    ])
    XCTAssertEqual(streamed.status, 0, streamed.stderr)
    let lines = streamed.stdout.split(separator: "\n", omittingEmptySubsequences: false)
    XCTAssertEqual(lines.count, 3, "streamed text, newline, result line, final newline: \(streamed.stdout)")
    let result = try JSONParser().parse(String(lines[1]))
    XCTAssertEqual(result["review"]?.string, String(lines[0]))
  }

  func testCallReadsRequestLinesFromStdin() throws {
    let serve = try ServeProcess()
    let script = """
      # comment and blank lines are skipped

      ping
      users.get {"user":"nobody"}
      {"jsonrpc":"2.0","id":"x","method":"stats","params":{}}
      """
    let result = try serve.cli(
      ["call", "-", "--connect", "127.0.0.1:\(serve.tcp.port ?? 0)"], stdin: Data(script.utf8))
    XCTAssertEqual(result.status, 1, "one request failed")
    let lines = result.stdout.split(separator: "\n")
    XCTAssertEqual(lines.count, 2, result.stdout)
    XCTAssertEqual(lines.first, #"{"pong":true}"#)
    XCTAssertEqual(try JSONParser().parse(String(lines[1]))["store"]?["users"], 120)
    XCTAssertTrue(result.stderr.contains("unknown user 'nobody'"), result.stderr)
  }
}

import DRPCore
import DRPEngine
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPTestSupport
import Foundation
import Glibc
import XCTest

/// SIGTERM/SIGINT handling of a real `drp serve`: exit 0 within the deadline, in-flight requests
/// answered, index saved, socket file removed.
final class ServeShutdownTests: XCTestCase {
  func testSIGTERMWhenIdleSavesTheIndexRemovesTheSocketAndExitsZero() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.unix)
    let added = connection.call(
      "reviews.add", ["user": "late-user", "item": "late-item", "rating": 3, "text": "Arrived late but works."])
    XCTAssertEqual(added?["result"]?["indexed"], true)
    let (status, elapsed) = serve.stop(signal: SIGTERM)
    XCTAssertEqual(status, 0, serve.log)
    XCTAssertLessThan(elapsed, .seconds(5))
    XCTAssertTrue(connection.waitForClose())
    XCTAssertFalse(FileManager.default.fileExists(atPath: serve.socketPath), "the socket file is removed")
    XCTAssertTrue(serve.log.contains("index saved"), serve.log)
    // The saved index holds the new user and is not stale.
    let stats = try Engine(home: serve.home.path, config: DRPConfig()).stats()
    XCTAssertFalse(stats.indexStale)
    XCTAssertEqual(stats.indexedUsers, 121)
  }

  /// A signal sent as soon as the listeners are announced is not lost: the announcement waits
  /// until the signal handlers are registered (before, such a SIGTERM was ignored and the server
  /// ran on).
  func testSignalRightAfterStartUpStopsTheServer() throws {
    for round in 0..<3 {
      let serve = try ServeProcess()
      let (status, elapsed) = serve.stop(signal: round == 1 ? SIGINT : SIGTERM, timeout: .seconds(10))
      XCTAssertEqual(status, 0, "round \(round): \(serve.log)")
      XCTAssertLessThan(elapsed, .seconds(5))
    }
  }

  func testSIGINTAlsoShutsDownGracefully() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.tcp)
    XCTAssertEqual(connection.call("ping")?["result"], ["pong": true])
    let (status, elapsed) = serve.stop(signal: SIGINT)
    XCTAssertEqual(status, 0, serve.log)
    XCTAssertLessThan(elapsed, .seconds(5))
    XCTAssertFalse(FileManager.default.fileExists(atPath: serve.socketPath))
  }

  /// A generation stuck on a model that never answers: at SIGTERM the server waits the grace
  /// period, answers it with -32005, and exits 0.
  func testSIGTERMDuringAStalledGenerateAnswersShuttingDownWithinTheDeadline() throws {
    let stalled = try StalledListener()
    let serve = try ServeProcess(
      extraArguments: ["--grace", "1"], environment: ["DRP_LLM_URL": stalled.url, "DRP_LLM_MODEL": "stalled"])
    let connection = try RawConnection(serve.tcp)
    let user = String(try serve.cli(["users", "list", "--limit", "1"]).stdout.split(separator: "\t")[0])
    let item = try XCTUnwrap(
      connection.call("users.get", ["user": .string(user), "limit": 1])?["result"]?["reviews"]?[0]?["item_id"])
    connection.request(
      "generate", id: 5, params: ["user": .string(user), "item": item, "mode": "nonp", "stream": true])
    usleep(200_000)
    let (status, elapsed) = serve.stop(signal: SIGTERM)
    let reply = connection.readLine()
    XCTAssertEqual(reply?["id"], 5)
    XCTAssertEqual(reply?["error"]?["code"], -32005, "\(String(describing: reply))")
    XCTAssertEqual(status, 0, serve.log)
    XCTAssertLessThan(elapsed, .seconds(5), "grace 1 s plus closing")
    XCTAssertFalse(FileManager.default.fileExists(atPath: serve.socketPath))
  }

  /// With the real local LLM: SIGTERM while deltas are streaming; the client gets the final
  /// result (finished within the grace period) or -32005, and the process exits 0 in time.
  func testSIGTERMDuringAStreamingGenerateWithTheLocalLLM() throws {
    let llm = try LocalLLMProbe.usableLLM()
    let serve = try ServeProcess(
      extraArguments: ["--grace", "10"], environment: ["DRP_LLM_URL": llm.url, "DRP_LLM_MODEL": llm.model])
    let connection = try RawConnection(serve.unix)
    let user = String(try serve.cli(["users", "list", "--limit", "1"]).stdout.split(separator: "\t")[0])
    let item = try XCTUnwrap(
      connection.call("users.get", ["user": .string(user), "limit": 1])?["result"]?["reviews"]?[0]?["item_id"])
    connection.request(
      "generate", id: 1,
      params: ["user": .string(user), "item": item, "mode": "nonp", "stream": true, "max_tokens": 150])
    let first = connection.readLine(timeout: .seconds(60))
    XCTAssertEqual(first?["method"], "progress", "the first line is a delta: \(String(describing: first))")
    let signalled = ContinuousClock.now
    kill(serve.process.processIdentifier, SIGTERM)
    var final: JSONValue?
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline, let line = connection.readLine(timeout: deadline - .now) {
      if line["id"] == 1 {
        final = line
        break
      }
    }
    let reply = try XCTUnwrap(final, "no final reply after SIGTERM")
    XCTAssertTrue(reply["result"]?["review"] != nil || reply["error"]?["code"] == -32005, "\(reply)")
    let (status, _) = serve.waitForExit(timeout: .seconds(20))
    XCTAssertEqual(status, 0, serve.log)
    XCTAssertLessThan(ContinuousClock.now - signalled, .seconds(13), "grace 10 s plus closing")
    XCTAssertFalse(FileManager.default.fileExists(atPath: serve.socketPath))
  }
}

import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPTestSupport
import Foundation
import XCTest

/// `profile` and `generate` of a real `drp serve`: progress, streaming, cancellation.
final class ServeGenerationTests: XCTestCase {
  /// The first user of the sample and an item they have not reviewed.
  private func userAndNewItem(_ connection: RawConnection, _ serve: ServeProcess) throws -> (String, String) {
    let users = try serve.cli(["users", "list", "--limit", "20"]).stdout.split(separator: "\n").map {
      String($0.split(separator: "\t")[0])
    }
    func items(of user: String) throws -> [String] {
      try XCTUnwrap(connection.call("users.get", ["user": .string(user), "limit": 1000])?["result"]?["reviews"]?.array)
        .compactMap { $0["item_id"]?.string }
    }
    let reviewed = Set(try items(of: users[0]))
    for other in users.dropFirst() {
      if let item = try items(of: other).first(where: { !reviewed.contains($0) }) { return (users[0], item) }
    }
    throw ServerError("every sample item was reviewed by \(users[0])")
  }

  /// Reads lines until the reply with `id`; returns the progress params that came before it.
  private func collect(_ connection: RawConnection, id: JSONValue, timeout: Duration = .seconds(30)) throws
    -> (progress: [JSONValue], reply: JSONValue)
  {
    var progress: [JSONValue] = []
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline, let line = connection.readLine(timeout: deadline - .now) {
      if line["id"] == id { return (progress, line) }
      if line["method"] == "progress" { progress.append(line["params"] ?? nil) }
    }
    throw ServerError("no reply with id \(id) within \(timeout)")
  }

  func testProfileStreamsStepsIsReusedAndRebuiltAfterANewReview() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.tcp)
    let (user, item) = try userAndNewItem(connection, serve)
    connection.request("profile", id: 1, params: ["user": .string(user), "item": .string(item)])
    let (steps, reply) = try collect(connection, id: 1)
    let first = try XCTUnwrap(reply["result"], "\(reply)")
    XCTAssertFalse(steps.isEmpty, "progress notifications per stage")
    XCTAssertTrue(steps.allSatisfy { $0["id"] == 1 && $0["step"]?.string?.isEmpty == false }, "\(steps)")
    XCTAssertEqual(first["mode"], "drp")
    XCTAssertEqual(first["reused"], false)
    XCTAssertFalse(try XCTUnwrap(first["dimensions"]?.array).isEmpty)
    XCTAssertNotNil(first["summary"])
    // The same document as `drp profile --json` (which now reuses the stored profile).
    let cli = try JSONParser().parse(try serve.cli(["profile", user, "--item", item, "--json"]).stdout)
    XCTAssertEqual(cli["dimensions"], first["dimensions"])
    XCTAssertEqual(cli["summary"], first["summary"])

    XCTAssertEqual(
      connection.call("profile", ["user": .string(user), "item": .string(item)], id: 2)?["result"]?["reused"], true)
    let added = connection.call(
      "reviews.add",
      ["user": .string(user), "item": .string(item), "rating": 2, "title": "meh", "text": "Not my thing at all."],
      id: 3)
    XCTAssertEqual(added?["result"]?["duplicate"], false)
    XCTAssertEqual(
      connection.call("profile", ["user": .string(user), "item": .string(item)], id: 4)?["result"]?["reused"], false,
      "a new review makes the stored profile stale")
    XCTAssertEqual(
      connection.call("profile", ["user": .string(user), "item": .string(item), "mode": "rag"], id: 5)?["error"]?[
        "data"]?["field"], "mode")
  }

  func testStreamingGenerateSendsDeltasBeforeTheReplyThatConcatenateToTheReview() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.unix)
    let (user, item) = try userAndNewItem(connection, serve)
    for mode in ["nonp", "rag", "dpl", "drp"] {
      let id = JSONValue.string("g-\(mode)")
      connection.request(
        "generate", id: id,
        params: ["user": .string(user), "item": .string(item), "rating": 4, "mode": .string(mode), "stream": true])
      let (progress, reply) = try collect(connection, id: id)
      let result = try XCTUnwrap(reply["result"], "\(reply)")
      let deltas = progress.filter { $0["id"] == id }.compactMap { $0["delta"]?.string }
      XCTAssertFalse(deltas.isEmpty, "mode \(mode): no deltas")
      XCTAssertEqual(deltas.joined(), result["review"]?.string, "mode \(mode)")
      XCTAssertEqual(result["mode"]?.string, mode)
      XCTAssertNotNil(result["llm_calls"]?.int)
      XCTAssertNotNil(result["tokens"]?.int)
    }
    // Without "stream" the reply comes alone.
    connection.request("generate", id: 9, params: ["user": .string(user), "item": .string(item), "mode": "rag"])
    let (progress, reply) = try collect(connection, id: 9)
    XCTAssertTrue(progress.isEmpty)
    XCTAssertFalse(reply["result"]?["review"]?.string?.isEmpty ?? true)
  }

  /// With the real local LLM: many deltas, streamed before the final reply, concatenating to it.
  func testStreamingGenerateWithTheLocalLLM() throws {
    let llm = try LocalLLMProbe.usableLLM()
    let serve = try ServeProcess(environment: ["DRP_LLM_URL": llm.url, "DRP_LLM_MODEL": llm.model])
    let connection = try RawConnection(serve.tcp)
    let (user, item) = try userAndNewItem(connection, serve)
    connection.request(
      "generate", id: 1,
      params: ["user": .string(user), "item": .string(item), "mode": "nonp", "stream": true, "max_tokens": 24])
    let (progress, reply) = try collect(connection, id: 1, timeout: .seconds(90))
    let result = try XCTUnwrap(reply["result"], "\(reply)")
    let deltas = progress.compactMap { $0["delta"]?.string }
    XCTAssertGreaterThan(deltas.count, 1, "a real model streams several pieces")
    XCTAssertEqual(deltas.joined().trimmingCharacters(in: .whitespacesAndNewlines), result["review"]?.string)
    XCTAssertGreaterThanOrEqual(result["llm_calls"]?.int ?? 0, 1)
  }

  /// A model that never answers: the generation stays in flight, so quick requests sent after
  /// it are answered first (out of order), and `cancel` ends it at once.
  func testOutOfOrderRepliesAndCancelWithAStalledModel() throws {
    let stalled = try StalledListener()
    let serve = try ServeProcess(environment: ["DRP_LLM_URL": stalled.url, "DRP_LLM_MODEL": "stalled"])
    let connection = try RawConnection(serve.tcp)
    let (user, item) = try userAndNewItem(connection, serve)
    connection.request(
      "generate", id: "slow", params: ["user": .string(user), "item": .string(item), "mode": "nonp", "stream": true])
    connection.request("neighbors", id: "quick", params: ["user": .string(user), "k": 3])
    connection.request("ping", id: "ping")
    XCTAssertEqual(
      Set([connection.readLine()?["id"], connection.readLine()?["id"]].compactMap { $0 }), ["quick", "ping"])
    let start = ContinuousClock.now
    connection.request("cancel", id: "c", params: ["id": "slow"])
    let cancelled = connection.readLine()
    XCTAssertEqual(cancelled?["id"], "slow")
    XCTAssertEqual(cancelled?["error"]?["code"], -32800)
    XCTAssertEqual(connection.readLine()?["result"], ["cancelled": true])
    XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
    XCTAssertEqual(connection.call("ping", id: "after")?["result"], ["pong": true])
  }
}

// The engine under concurrent load through a real `drp serve`: a slow remote embedder blocks
// nothing else, another process's writes are seen, and llm.concurrency is one shared limit.
import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPTestSupport
import Foundation
import Synchronization
import XCTest

final class ServeEngineConcurrencyTests: XCTestCase {
  /// An OpenAI-compatible embeddings answer: one deterministic 16-dimensional vector per input text.
  static func embeddings(for request: FakeHTTPServer.Request) -> FakeHTTPServer.Reply {
    let texts = request.json["input"] as? [String] ?? []
    let rows = texts.enumerated().map { index, text -> String in
      var state = text.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 } | 1
      let vector = (0..<16).map { _ -> String in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return String(Double(state >> 40) / Double(1 << 24) - 0.5)
      }
      return #"{"object":"embedding","index":\#(index),"embedding":[\#(vector.joined(separator: ","))]}"#
    }
    return .respond(
      status: 200,
      body:
        #"{"object":"list","model":"fake","data":[\#(rows.joined(separator: ","))],"usage":{"prompt_tokens":1,"total_tokens":1}}"#
    )
  }

  /// A chat completion whose content every reasoning stage parses (dimensions, kept, summary).
  static let chatAnswer = OpenAIReplies.reply()

  /// A sample home imported and embedded with `config`.
  private func prepareHome(_ dir: TemporaryDirectory, config: String, users: Int = 60) throws -> (
    home: URL, configPath: String
  ) {
    let configPath = dir.path("drp.json")
    try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    let home = dir.url.appendingPathComponent("home")
    let sample = dir.path("sample")
    for arguments in [
      ["sample", "--out", sample, "--users", String(users), "--items", "24"],
      ["--home", home.path, "import", sample + "/reviews.jsonl", sample + "/items.jsonl"],
      ["--home", home.path, "embed"],
    ] {
      let result = try runProcess(
        TestSupport.drpBinary, arguments, environment: ["DRP_CONFIG": configPath], timeout: 120)
      XCTAssertEqual(result.status, 0, "drp \(arguments): \(result.stderr)")
    }
    return (home, configPath)
  }

  /// Users of the home with their first reviewed item, from the CLI.
  private func users(_ serve: ServeProcess, count: Int) throws -> [String] {
    let list = try serve.cli(["users", "list", "--limit", String(count)])
    return list.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
  }

  /// (a) A remote embedder answering after 1 s: 2 × cores `profile` requests and one `reviews.add`
  /// run together and all finish within a bound, while `neighbors` keeps answering in < 100 ms.
  func testSlowEmbedderBlocksNeitherProfilesNorNeighbors() throws {
    let delay = Mutex<Double>(0)
    let embedder = try FakeHTTPServer { request, _ in
      Thread.sleep(forTimeInterval: delay.withLock { $0 })
      return Self.embeddings(for: request)
    }
    let dir = try TemporaryDirectory()
    let (home, configPath) = try prepareHome(
      dir,
      config: #"{"embedder": {"kind": "openai", "url": "\#(embedder.baseURL)", "model": "fake", "dimension": 16}}"#)
    delay.withLock { $0 = 1.0 }
    let serve = try ServeProcess(home: home, environment: ["DRP_CONFIG": configPath])
    let (unix, tcp) = (serve.unix, serve.tcp)
    let everyone = try users(serve, count: 60)
    let profiles = 2 * ProcessInfo.processInfo.activeProcessorCount
    XCTAssertGreaterThanOrEqual(everyone.count, profiles + 2)

    let results = Mutex<[String: (seconds: Double, reply: JSONValue?)]>([:])
    let finished = DispatchGroup()
    func call(_ name: String, _ method: String, _ params: JSONValue) {
      finished.enter()
      Thread {
        defer { finished.leave() }
        let start = ContinuousClock.now
        let reply = (try? RawConnection(unix))?.call(method, params, timeout: .seconds(30))
        let seconds =
          Double((ContinuousClock.now - start).components.attoseconds) / 1e18
          + Double((ContinuousClock.now - start).components.seconds)
        results.withLock { $0[name] = (seconds, reply) }
      }.start()
    }
    let start = ContinuousClock.now
    call(
      "add", "reviews.add",
      [
        "user": .string(everyone[0]), "item": "brand-new-item", "rating": 4, "title": "late",
        "text": "Arrived late but works.",
      ])
    for n in 0..<profiles {
      call(
        "profile \(n)", "profile",
        ["user": .string(everyone[n + 1]), "item": "brand-new-item", "refresh": true, "profile_scope": "user"])
    }

    // neighbors on its own connection until everything else is done.
    let probe = try RawConnection(tcp)
    var slowest = 0.0
    var probes = 0
    while finished.wait(timeout: .now()) == .timedOut && ContinuousClock.now - start < .seconds(30) {
      let began = ContinuousClock.now
      let reply = probe.call("neighbors", ["user": .string(everyone.last!), "k": 5], id: .int(Int64(probes)))
      let elapsed = ContinuousClock.now - began
      XCTAssertNotNil(reply?["result"]?["neighbors"], "\(String(describing: reply))")
      slowest = max(slowest, Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
      probes += 1
      usleep(10_000)
    }
    let total = ContinuousClock.now - start
    let done = results.withLock { $0 }
    XCTAssertEqual(done.count, profiles + 1, "every request finished within 30 s: \(done.keys.sorted())")
    XCTAssertLessThan(total, .seconds(15), "all requests complete within the bound")
    let added = try XCTUnwrap(done["add"]?.reply?["result"], "\(String(describing: done["add"]))")
    XCTAssertEqual(added["indexed"], true, "\(added)")
    XCTAssertGreaterThanOrEqual(done["add"]?.seconds ?? 0, 1.0, "the add waited for the slow embedder")
    for n in 0..<profiles {
      XCTAssertNotNil(done["profile \(n)"]?.reply?["result"]?["summary"], "\(String(describing: done["profile \(n)"]))")
    }
    XCTAssertGreaterThan(probes, 5, "neighbors was asked while the others ran")
    XCTAssertLessThan(slowest, 0.1, "neighbors answered within 100 ms while the embedder was slow")
    XCTAssertEqual(serve.stop().status, 0)
  }

  /// (b) `drp serve` and `drp import` in another process on the same home: the server sees the
  /// imported review (`users.get`), rebuilds the user's profile, and `reviews.add` keeps working
  /// during and after the import.
  func testServerSeesAnotherProcessesImportAndKeepsWriting() throws {
    let serve = try ServeProcess()
    let connection = try RawConnection(serve.unix)
    let user = try users(serve, count: 1)[0]
    let before = try XCTUnwrap(connection.call("users.get", ["user": .string(user), "limit": 0])?["result"])
    let count = try XCTUnwrap(before["review_count"]?.int)
    let target: JSONValue = ["user": .string(user), "profile_scope": "user"]
    XCTAssertEqual(connection.call("profile", target)?["result"]?["reused"], false)
    XCTAssertEqual(connection.call("profile", target)?["result"]?["reused"], true)

    // A large import in another process (commits every 2,000 lines) while reviews are added here.
    let file = serve.directory.path("more.jsonl")
    var lines = (0..<30_000).map { n in
      #"{"user_id":"bulk\#(n % 3000)","parent_asin":"bulk-item\#(n % 500)","rating":3,"title":"t","text":"bulk review number \#(n)","timestamp":\#(1_700_000_000_000 + n)}"#
    }
    lines.append(
      #"{"user_id":"\#(user)","parent_asin":"imported-item","rating":5,"title":"imported","text":"An imported review.","timestamp":1800000000000}"#
    )
    try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    let importer = Process()
    importer.executableURL = TestSupport.drpBinary
    importer.arguments = ["--home", serve.home.path, "import", "--batch", "2000", file]
    importer.standardOutput = FileHandle.nullDevice
    importer.standardError = FileHandle.nullDevice
    try importer.run()
    var added = 0
    var errors: [String] = []
    let deadline = ContinuousClock.now + .seconds(60)
    while (importer.isRunning || added < 20) && ContinuousClock.now < deadline {
      let reply = connection.call(
        "reviews.add",
        [
          "user": .string("writer"), "item": .string("i\(added % 7)"), "rating": 4,
          "text": .string("added during import \(added)"),
        ], id: .int(Int64(1000 + added)), timeout: .seconds(20))
      if reply?["result"]?["duplicate"] == false { added += 1 } else { errors.append("\(String(describing: reply))") }
    }
    importer.waitUntilExit()
    XCTAssertEqual(importer.terminationStatus, 0)
    XCTAssertTrue(errors.isEmpty, "every reviews.add succeeded beside the import: \(errors.prefix(3))")
    XCTAssertGreaterThanOrEqual(added, 20)
    let after = try XCTUnwrap(connection.call("users.get", ["user": .string(user), "limit": 1])?["result"])
    XCTAssertEqual(after["review_count"]?.int, count + 1, "the server reads what the import committed")
    XCTAssertEqual(after["reviews"]?[0]?["item_id"], "imported-item")
    XCTAssertEqual(
      connection.call("profile", target)?["result"]?["reused"], false,
      "a review imported by another process makes the stored profile stale")
    // And after the import ended, writes still work (no connection keeps an old snapshot).
    XCTAssertEqual(
      connection.call("reviews.add", ["user": "writer", "item": "last", "rating": 1, "text": "after the import"])?[
        "result"]?["duplicate"], false)
    XCTAssertEqual(
      connection.call("users.get", ["user": "writer", "limit": 0])?["result"]?["review_count"]?.int, added + 1)
    XCTAssertEqual(serve.stop().status, 0, serve.log)
  }

  /// (c) llm.concurrency is one limit for the whole server: a loopback chat server sees exactly
  /// that many requests at once, for one cold `generate` and for two at the same time.
  func testLLMConcurrencyIsTheExactPeakAcrossRequests() throws {
    let chat = try FakeHTTPServer { _, _ in
      Thread.sleep(forTimeInterval: 0.15)
      return Self.chatAnswer
    }
    let dir = try TemporaryDirectory()
    let (home, configPath) = try prepareHome(
      dir, config: #"{"llm": {"url": "\#(chat.baseURL)", "model": "m", "concurrency": 3, "max_retries": 0}}"#)
    let serve = try ServeProcess(home: home, environment: ["DRP_CONFIG": configPath])
    let everyone = try users(serve, count: 3)
    let unix = serve.unix
    let item = try XCTUnwrap(
      try RawConnection(serve.unix).call("users.get", ["user": .string(everyone[0]), "limit": 1])?["result"]?[
        "reviews"]?[0]?["item_id"]?.string)

    let one = try XCTUnwrap(
      try RawConnection(serve.unix).call(
        "generate", ["user": .string(everyone[0]), "item": .string(item)], timeout: .seconds(60))?["result"])
    XCTAssertGreaterThan(one["llm_calls"]?.int ?? 0, 3, "\(one)")
    XCTAssertEqual(chat.peakConcurrency, 3, "one cold generate uses the whole limit")

    let finished = DispatchGroup()
    let replies = Mutex<[JSONValue?]>([])
    for user in everyone[1...2] {
      finished.enter()
      Thread {
        defer { finished.leave() }
        let reply = (try? RawConnection(unix))?.call(
          "generate", ["user": .string(user), "item": .string(item)], timeout: .seconds(60))
        replies.withLock { $0.append(reply) }
      }.start()
    }
    XCTAssertEqual(finished.wait(timeout: .now() + 90), .success)
    for reply in replies.withLock({ $0 }) {
      XCTAssertNotNil(reply?["result"]?["review"], "\(String(describing: reply))")
    }
    XCTAssertEqual(chat.peakConcurrency, 3, "two requests share the one limit")
    XCTAssertEqual(serve.stop().status, 0)

    // drp eval with more samples at once than the limit: still exactly 3 requests in flight.
    let evalChat = try FakeHTTPServer { _, _ in
      Thread.sleep(forTimeInterval: 0.1)
      return Self.chatAnswer
    }
    let evalConfig = dir.path("eval.json")
    try #"{"llm": {"url": "\#(evalChat.baseURL)", "model": "m", "concurrency": 3, "max_retries": 0}}"#.write(
      toFile: evalConfig, atomically: true, encoding: .utf8)
    let eval = try drp(
      home: home, ["eval", "--modes", "rag,drp", "--users", "4", "--concurrency", "8", "--json"],
      environment: ["DRP_CONFIG": evalConfig], timeout: 120)
    XCTAssertEqual(eval.status, 0, eval.stderr)
    XCTAssertTrue(eval.stderr.contains("LLM requests in flight"), eval.stderr)
    XCTAssertEqual(evalChat.peakConcurrency, 3, "eval --concurrency 8 stays within llm.concurrency")
  }
}

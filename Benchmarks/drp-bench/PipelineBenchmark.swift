// drp-bench pipeline: how many LLM round trips the pipeline waits for, alone and under load.
import DRPCore
import DRPEngine
import DRPEval
import DRPReasoning
import DRPSample
import DRPServer
import DRPService
import DRPStore
import Foundation
import Synchronization

/// `drp-bench pipeline [--latency-ms L] [--users N] [--concurrency C] [--requests R]`: an
/// in-process OpenAI-compatible server answers every chat call after exactly L ms (default 200)
/// with unlimited capacity, so wall time counts round trips the client waited for:
///
/// - (a) one cold `generate` per mode (3 users each, median), in round trips (wall / L), beside
///   the LLM calls it made;
/// - (b) `drp eval` (all four modes, N users, default 40) at concurrency C (default 32) with
///   `llm.concurrency` C: throughput as a share of the ideal `calls × L / C`;
/// - (c) R (default 64) concurrent cold `generate` requests through the JSON-RPC server against
///   one cold request alone.
///
/// Each part runs on a fresh home (synthetic sample, builtin embedder), so every call is a cache miss.
enum PipelineBenchmark {
  static func run(_ args: [String]) throws {
    var latencyMs = 200
    var users = 40
    var concurrency = 32
    var requests = 64
    var parts: Set<String> = ["a", "b", "c", "d"]
    var arguments = BenchArguments(args)
    while let flag = arguments.next() {
      switch flag {
      case "--latency-ms": latencyMs = try arguments.positive()
      case "--users": users = try arguments.positive()
      case "--concurrency": concurrency = try arguments.positive()
      case "--requests": requests = try arguments.positive()
      case "--only": parts = Set(try arguments.value().split(separator: ",").map(String.init))
      default:
        throw BenchUsage(
          message:
            "usage: drp-bench pipeline [--latency-ms L] [--users N] [--concurrency C] [--requests R] [--only a,b,c]")
      }
    }
    let latency = Double(latencyMs) / 1000
    let llm = try LoopbackLLMServer(latency: latency)
    defer { llm.stop() }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("drp-bench-pipeline-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    print(
      "loopback LLM: \(latencyMs) ms per call, unlimited capacity; \(ProcessInfo.processInfo.activeProcessorCount) cores"
    )

    if parts.contains("a") { try single(root: root, llm: llm, latency: latency) }
    if parts.contains("b") {
      try eval(root: root, llm: llm, latency: latency, users: users, concurrency: concurrency)
    }
    if parts.contains("c") { try served(root: root, llm: llm, requests: requests) }
    if parts.contains("d") { try perTarget(root: root, llm: llm) }
  }

  /// (d) LLM calls per target for successive targets of one user (mode drp, both presets): the
  /// released pipeline pays 18 per target and reuses nothing; drp's cache serves every key item
  /// already analysed for an earlier target.
  private static func perTarget(root: String, llm: LoopbackLLMServer) throws {
    print("\n(d) LLM calls per target, successive targets of one user (mode drp); the released pipeline: 18 each")
    print("preset   1st   2nd   3rd   5th   10th   total (10 targets)   paper's total")
    for preset in [PipelinePreset.drp, .paper] {
      let engine = try Self.engine(root + "/d-\(preset)", llm: llm, concurrency: 64, users: 60)
      let user = try engine.store.allUserIDs()[0]
      let reviewed = Set(try engine.store.reviews(ofUser: user).map(\.itemID))
      let targets = try (0..<40).map { SampleGenerator.itemID($0) }.filter { !reviewed.contains($0) }.prefix(10)
      guard targets.count == 10 else { throw BenchUsage(message: "the user reviewed too many items") }
      var options = try engine.pipelineOptions().applying(["preset": .string(preset.rawValue)])
      options.mode = .drp
      let chosen = options
      var calls: [Int] = []
      for target in targets {
        let result = try BlockingCall.run {
          try await engine.generate(user: user, item: target, title: "A title", options: chosen)
        }
        calls.append(result.llmCalls)
      }
      let row = [0, 1, 2, 4, 9].map { String(calls[$0]).leftPad(4) }.joined(separator: "  ")
      print(
        "\(preset.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))  \(row)   "
          + "\(String(calls.reduce(0, +)).leftPad(18))   \(String(18 * targets.count).leftPad(13))")
    }
  }

  /// (a) One cold request per mode.
  private static func single(root: String, llm: LoopbackLLMServer, latency: Double) throws {
    let latencyMs = Int(latency * 1000)
    print("\n(a) one cold generate, wall time in round trips (L = \(latencyMs) ms), median of 3 users")
    print("mode   round trips   LLM calls   wall ms   CPU ms")
    let single = try Self.engine(root + "/a", llm: llm, concurrency: 64, users: 40)
    let someUsers = try Self.usersWithItems(single, count: 12)
    for (number, mode) in [PipelineMode.nonp, .rag, .dpl, .drp].enumerated() {
      var walls: [Double] = []
      var cpus: [Double] = []
      var calls = 0
      for (user, item) in someUsers[(number * 3)..<(number * 3 + 3)] {
        let cpuBefore = cpuSeconds()
        let start = Date()
        let result = try BlockingCall.run { try await single.generate(user: user, item: item, mode: mode) }
        walls.append(Date().timeIntervalSince(start))
        cpus.append(cpuSeconds() - cpuBefore)
        calls = result.llmCalls
        if mode == .drp && user == someUsers[11].user {
          print("       " + result.stats.report.replacingOccurrences(of: "\n", with: "\n       "))
        }
      }
      let median = walls.sorted()[1]
      print(
        "\(mode.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(format(median / latency, 2, width: 11))"
          + "   \(String(calls).leftPad(9))   \(format(median * 1000, 0, width: 7))"
          + "   \(format(cpus.sorted()[1] * 1000, 1, width: 6))")
    }

  }

  /// (b) drp eval throughput.
  private static func eval(root: String, llm: LoopbackLLMServer, latency: Double, users: Int, concurrency: Int)
    throws
  {
    print(
      "\n(b) drp eval, modes nonp,rag,dpl,drp, \(users) users, --concurrency \(concurrency), llm.concurrency \(concurrency)"
    )
    let evaluated = try Self.engine(root + "/b", llm: llm, concurrency: concurrency, users: max(60, users))
    let cases = HeldOutSplit.sample(try HeldOutSplit(minReviews: 5).cases(in: evaluated.store), count: users, seed: 1)
    llm.reset()
    let evalStart = Date()
    let evalConcurrency = concurrency
    let run = try BlockingCall.run {
      try await EvalRunner(writer: EngineReviewWriter(engine: evaluated), checkpoint: nil).run(
        cases, modes: [.nonp, .rag, .dpl, .drp], concurrency: evalConcurrency)
    }
    let evalWall = Date().timeIntervalSince(evalStart)
    let calls = run.samples.map(\.llmCalls).reduce(0, +)
    let ideal = Double(calls) * latency / Double(concurrency)
    print("samples   LLM calls   server saw   peak in flight   wall s   ideal s   share of ideal")
    print(
      "\(String(run.samples.count).leftPad(7))   \(String(calls).leftPad(9))   \(String(llm.requests).leftPad(10))   "
        + "\(String(llm.peak).leftPad(14))   \(format(evalWall, 2, width: 6))   \(format(ideal, 2, width: 7))   "
        + "\(format(100 * ideal / evalWall, 1, width: 13)) %")

  }

  /// (c) Concurrent generate requests through the JSON-RPC server.
  private static func served(root: String, llm: LoopbackLLMServer, requests: Int) throws {
    print("\n(c) \(requests) concurrent cold generate (mode drp) through the server vs one alone")
    let served = try Self.engine(root + "/c", llm: llm, concurrency: 16 * requests, users: requests + 10)
    let pairs = try Self.usersWithItems(served, count: requests + 1)
    var limits = ServerLimits()
    limits.maxConcurrentBackground = max(64, requests)
    limits.maxConnections = requests + 16
    let server = Server(
      configuration: ServerConfiguration(listeners: [.tcp(host: "127.0.0.1", port: 0)], limits: limits),
      logger: .silent)
    DRPMethods.register(on: server, engine: served)
    guard let port = try server.start().first?.port else { throw BenchUsage(message: "no TCP port") }
    defer { server.shutdown(deadline: .seconds(1)) }
    llm.reset()
    func request(_ pair: (user: String, item: String)) -> [UInt8] {
      Array(
        #"{"jsonrpc":"2.0","id":1,"method":"generate","params":{"user":"\#(pair.user)","item":"\#(pair.item)","mode":"drp"}}"#
          .utf8) + [0x0A]
    }
    let alone = try LineClient(port: port)
    let aloneStart = Date()
    let aloneReply = try alone.roundTrip(request(pairs[0]))
    let aloneWall = Date().timeIntervalSince(aloneStart)
    guard aloneReply.contains("\"review\"") else { throw BenchUsage(message: "generate failed: \(aloneReply)") }
    let clients = try pairs[1...].map { _ in try LineClient(port: port) }
    let failures = Mutex(0)
    let group = DispatchGroup()
    let cpuBefore = Self.cpuSeconds()
    let manyStart = Date()
    for (client, pair) in zip(clients, pairs[1...]) {
      let line = request(pair)
      nonisolated(unsafe) let client = client
      group.enter()
      Thread {
        defer { group.leave() }
        if (try? client.roundTrip(line))?.contains("\"review\"") != true { failures.withLock { $0 += 1 } }
      }.start()
    }
    group.wait()
    let manyWall = Date().timeIntervalSince(manyStart)
    let cpu = Self.cpuSeconds() - cpuBefore
    print("one request ms   \(requests) requests ms   ratio   failed   CPU s (all threads)   LLM calls")
    print(
      "\(format(aloneWall * 1000, 0, width: 14))   \(format(manyWall * 1000, 0, width: 14))   "
        + "\(format(manyWall / aloneWall, 2, width: 5))   \(String(failures.withLock { $0 }).leftPad(6))   "
        + "\(format(cpu, 2, width: 19))   \(String(llm.requests).leftPad(9))")
  }

  /// A fresh home at `path` with `users` synthetic users, imported and embedded, and an engine on
  /// it whose LLM (generation and reasoning: one endpoint) is `llm` with `concurrency` permits.
  private static func engine(_ path: String, llm: LoopbackLLMServer, concurrency: Int, users: Int) throws -> Engine {
    var options = SampleOptions()
    options.users = users
    options.items = 40
    let sample = try SampleGenerator(options: options).write(to: path + "/sample")
    let home = path + "/home"
    _ = try ReviewImporter(store: try ReviewStore(home: home)).importFiles([sample.itemsPath, sample.reviewsPath])
    var config = DRPConfig()
    config.llm.url = llm.baseURL
    config.llm.model = "loopback"
    config.llm.concurrency = concurrency
    config.llm.maxRetries = 0
    config.llm.timeoutS = 120
    config.reasoner = config.llm
    let engine = try Engine(home: home, config: config)
    _ = try engine.embed()
    return engine
  }

  /// User plus system CPU seconds of this process so far.
  private static func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }

  /// `count` distinct users, each with the item of their latest review.
  private static func usersWithItems(_ engine: Engine, count: Int) throws -> [(user: String, item: String)] {
    let pairs = try engine.store.allUserIDs().prefix(count).map { user in
      (user, try engine.store.reviews(ofUser: user).last?.itemID ?? "")
    }
    guard pairs.count == count else { throw BenchUsage(message: "the sample has fewer than \(count) users") }
    return pairs
  }

  private static func format(_ value: Double, _ decimals: Int, width: Int) -> String {
    String(format: "%\(width).\(decimals)f", value)
  }
}

extension String {
  fileprivate func leftPad(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}

// drp-bench soak / soak-check: the load half of Benchmarks/soak.sh (see BENCHMARKS.md, "Reliability").
import DRPCore
import DRPProtocol
import DRPStore
import Foundation
import Glibc
import Synchronization

/// `drp-bench soak`: mixed traffic against a running `drp serve` on 127.0.0.1 for a while,
/// from `--connections` clients (neighbors, peers, users.get, offline generate, reviews.add),
/// plus one client trying bad input (malformed, oversized, wrong and unknown requests, dropped
/// connections). Samples the server's RSS and open descriptors. Writes every acknowledged
/// `reviews.add` to `--acked` (JSON lines) and a summary JSON to `--out`.
///
/// `drp-bench soak-check --home H --acked FILE`: after the server stopped, counts how many
/// acknowledged reviews are in the store (each must be).
enum SoakBenchmark {
  private struct Options {
    var port: UInt16 = 0
    var pid: Int32 = 0
    var home = ""
    var seconds = 60
    var connections = 16
    var acked = "acked.jsonl"
    var out = "soak.json"
  }

  static func run(_ args: [String]) throws {
    var options = Options()
    var arguments = BenchArguments(args)
    while let flag = arguments.next() {
      switch flag {
      case "--port": options.port = UInt16(try arguments.positive())
      case "--pid": options.pid = Int32(try arguments.positive())
      case "--home": options.home = try arguments.value()
      case "--seconds": options.seconds = try arguments.positive()
      case "--connections": options.connections = try arguments.positive()
      case "--acked": options.acked = try arguments.value()
      case "--out": options.out = try arguments.value()
      default: throw BenchUsage(message: "unknown option \(flag)")
      }
    }
    guard options.port > 0, options.pid > 0, !options.home.isEmpty else {
      throw BenchUsage(message: "soak needs --port, --pid and --home")
    }
    try soak(options)
  }

  /// What the clients share: the stop flag and what they saw.
  private final class Shared: Sendable {
    let stop = Atomic<Bool>(false)
    let tally = Mutex(Tally())
  }

  /// What the clients saw.
  private struct Tally {
    var requests: [String: Int] = [:]
    var errors: [String: Int] = [:]
    /// Error messages with digits replaced by N, counted.
    var messages: [String: Int] = [:]
    var acked: [String] = []
    var badInputs = 0
    var badInputFailures: [String] = []
  }

  private static func soak(_ options: Options) throws {
    let store = try ReviewStore(home: options.home)
    let users = try store.allUserIDs()
    let items = Array(Set(try users.prefix(200).flatMap { try store.reviews(ofUser: $0).map(\.itemID) })).sorted()
    guard !users.isEmpty, !items.isEmpty else { throw BenchUsage(message: "the home has no reviews") }
    let shared = Shared()
    let end = ContinuousClock.now + .seconds(options.seconds)
    var samples: [(seconds: Int, rssKB: Int, fds: Int)] = [sample(options.pid, at: 0)]
    let started = ContinuousClock.now
    let group = DispatchGroup()
    for connection in 0..<options.connections {
      group.enter()
      Thread {
        defer { group.leave() }
        traffic(connection, options.port, users, items, shared)
      }.start()
    }
    group.enter()
    Thread {
      defer { group.leave() }
      badInput(options.port, shared)
    }.start()
    while ContinuousClock.now < end {
      let left = end - .now
      Thread.sleep(
        forTimeInterval: min(5, Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18))
      samples.append(sample(options.pid, at: Int((ContinuousClock.now - started).components.seconds)))
    }
    shared.stop.store(true, ordering: .releasing)
    group.wait()
    let elapsed = ContinuousClock.now - started
    let final = shared.tally.withLock { $0 }
    try (final.acked.joined(separator: "\n") + (final.acked.isEmpty ? "" : "\n")).write(
      toFile: options.acked, atomically: true, encoding: .utf8)
    let total = final.requests.values.reduce(0, +)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = (Double(total) / seconds).rounded()
    var summary: [String: JSONValue] = [:]
    summary["seconds"] = .double(seconds.rounded())
    summary["connections"] = .int(Int64(options.connections))
    summary["requests"] = .int(Int64(total))
    summary["requests_per_second"] = .double(rate)
    summary["requests_by_method"] = .object(final.requests.mapValues { .int(Int64($0)) })
    summary["errors_by_code"] = .object(final.errors.mapValues { .int(Int64($0)) })
    summary["error_messages"] = .object(final.messages.mapValues { .int(Int64($0)) })
    summary["reviews_acknowledged"] = .int(Int64(final.acked.count))
    summary["bad_inputs"] = .int(Int64(final.badInputs))
    summary["bad_input_failures"] = .array(final.badInputFailures.prefix(20).map { .string($0) })
    summary["samples"] = .array(samples.map(sampleJSON))
    try JSONWriter.string(.object(summary)).write(toFile: options.out, atomically: true, encoding: .utf8)
    print(JSONWriter.string(.object(summary)))
  }

  /// One client's loop: a weighted mix of requests until `stop`.
  private static func traffic(
    _ number: Int, _ port: UInt16, _ users: [String], _ items: [String], _ shared: Shared
  ) {
    var random = SplitMix64(seed: UInt64(number + 1))
    var client: LineClient?
    var sequence = 0
    while !shared.stop.load(ordering: .acquiring) {
      if client == nil { client = try? LineClient(port: port) }
      guard let connection = client else {
        shared.tally.withLock { $0.errors["connect", default: 0] += 1 }
        Thread.sleep(forTimeInterval: 0.1)
        continue
      }
      sequence += 1
      let user = users[Int(random.next() % UInt64(users.count))]
      let item = items[Int(random.next() % UInt64(items.count))]
      let roll = random.next() % 100
      let (method, params): (String, JSONValue)
      switch roll {
      case 0..<40: (method, params) = ("neighbors", ["user": .string(user), "k": 10])
      case 40..<60: (method, params) = ("peers", ["user": .string(user), "item": .string(item)])
      case 60..<80: (method, params) = ("users.get", ["user": .string(user), "limit": 5])
      case 80..<85: (method, params) = ("generate", ["user": .string(user), "item": .string(item), "mode": "rag"])
      default:
        let text = "soak review \(number)-\(sequence): steady traffic, nothing lost."
        (method, params) = (
          "reviews.add",
          [
            "user": .string(user), "item": .string(item), "rating": .int(Int64(1 + random.next() % 5)),
            "text": .string(text), "timestamp": .int(1_700_000_000_000 + Int64(number * 10_000_000 + sequence)),
          ]
        )
      }
      let request =
        JSONWriter.bytes(["jsonrpc": "2.0", "id": .int(Int64(sequence)), "method": .string(method), "params": params])
        + [0x0A]
      guard let line = try? connection.roundTrip(request), let reply = try? JSONParser().parse(line) else {
        shared.tally.withLock { $0.errors["connection", default: 0] += 1 }
        client = nil
        continue
      }
      shared.tally.withLock { tally in
        tally.requests[method, default: 0] += 1
        if let code = reply["error"]?["code"]?.int {
          tally.errors["\(code)", default: 0] += 1
          let message = (reply["error"]?["message"]?.string ?? "").replacing(/[0-9]+/, with: "N")
          tally.messages[String(message.prefix(120)), default: 0] += 1
        } else if method == "reviews.add", reply["result"]?["duplicate"] == false {
          tally.acked.append(JSONWriter.string(params))
        }
      }
    }
  }

  /// Bad input on a connection of its own, in a loop: each must get its error and leave the
  /// server answering `ping` on the same connection.
  private static func badInput(_ port: UInt16, _ shared: Shared) {
    let lines: [([UInt8], Int)] = [
      (Array("garbage\n".utf8), -32700), ([0x7B, 0xFF, 0xFE, 0x7D, 0x0A], -32700),
      (Array(#"{"jsonrpc":"2.0","id":1,"method":"nope"}"#.utf8) + [0x0A], -32601),
      (Array(#"{"jsonrpc":"2.0","id":2,"method":"neighbors","params":{"user":"x","k":0}}"#.utf8) + [0x0A], -32602),
      (
        Array(
          #"{"jsonrpc":"2.0","id":3,"method":"reviews.add","params":{"user":"u","item":"i","rating":9,"text":"t"}}"#
            .utf8) + [0x0A], -32602
      ),
      (Array(#"{"jsonrpc":"2.0","id":4,"method":"ping","params":{"bogus":1}}"#.utf8) + [0x0A], -32602),
      (
        Array(#"{"jsonrpc":"2.0","id":5,"method":"users.get","params":{"user":"k","k":1,"k":2}}"#.utf8) + [0x0A], -32700
      ),
      (Array(repeating: UInt8(ascii: "x"), count: 1_100_000) + [0x0A], -32001),
    ]
    var round = 0
    while !shared.stop.load(ordering: .acquiring) {
      round += 1
      guard let client = try? LineClient(port: port) else { continue }
      for (line, code) in lines {
        let reply = (try? client.roundTrip(line)).flatMap { try? JSONParser().parse($0) }
        let ping = (try? client.roundTrip(Array(#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#.utf8) + [0x0A]))
        shared.tally.withLock { tally in
          tally.badInputs += 1
          if reply?["error"]?["code"]?.int != code || ping?.contains("pong") != true {
            tally.badInputFailures.append(
              "round \(round): expected \(code), got \(reply.map(JSONWriter.string) ?? "nothing")")
          }
        }
      }
      // A connection dropped mid-line, and one dropped with a request in flight.
      if let half = try? LineClient(port: port) { half.sendOnly(Array(#"{"jsonrpc":"2.0","id":1,"meth"#.utf8)) }
      if let busy = try? LineClient(port: port) {
        busy.sendOnly(
          Array(#"{"jsonrpc":"2.0","id":1,"method":"generate","params":{"user":"x","item":"y"}}"#.utf8) + [0x0A])
      }
      shared.tally.withLock { $0.badInputs += 2 }
      Thread.sleep(forTimeInterval: 0.2)
    }
  }

  private static func sampleJSON(_ sample: (seconds: Int, rssKB: Int, fds: Int)) -> JSONValue {
    ["s": .int(Int64(sample.seconds)), "rss_kb": .int(Int64(sample.rssKB)), "fds": .int(Int64(sample.fds))]
  }

  /// The server's resident set (kB) and open descriptors now.
  private static func sample(_ pid: Int32, at seconds: Int) -> (seconds: Int, rssKB: Int, fds: Int) {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let rss =
      status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
      .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? -1
    let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    return (seconds, rss, fds)
  }

  /// `soak-check`: every acknowledged review (user, item, timestamp, text) must be in the store.
  static func check(_ args: [String]) throws {
    var home = ""
    var acked = "acked.jsonl"
    var arguments = BenchArguments(args)
    while let flag = arguments.next() {
      switch flag {
      case "--home": home = try arguments.value()
      case "--acked": acked = try arguments.value()
      default: throw BenchUsage(message: "unknown option \(flag)")
      }
    }
    let store = try ReviewStore(home: home)
    var found = 0
    var missing: [String] = []
    let lines = try String(contentsOfFile: acked, encoding: .utf8).split(separator: "\n")
    for line in lines {
      let review = try JSONParser().parse(String(line))
      guard let user = review["user"]?.string, let text = review["text"]?.string else { continue }
      let stored = try store.reviews(ofUser: user).contains {
        $0.text == text && $0.itemID == review["item"]?.string
          && Int64($0.timestamp) == review["timestamp"]?.int.map(Int64.init)
      }
      if stored { found += 1 } else { missing.append(String(line)) }
    }
    print(
      JSONWriter.string([
        "acknowledged": .int(Int64(lines.count)), "found": .int(Int64(found)),
        "missing": .array(missing.prefix(10).map { .string($0) }),
      ]))
    if !missing.isEmpty { exit(1) }
  }
}

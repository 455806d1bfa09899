// drp-bench server: `neighbors` over loopback TCP vs the same query in process (BENCHMARKS.md, "Server").
import DRPCore
import DRPEngine
import DRPIndex
import DRPServer
import DRPStore
import Dispatch
import Foundation
import Glibc
import Synchronization

/// `drp-bench server [--n 100000] [--d 384] [--k 10] [--seconds 5] [--connections 1,16,64]`:
/// builds a home with N users (one review each) and an index of N random unit vectors, serves it
/// with the real `neighbors` handler on 127.0.0.1, and drives it from client threads (one
/// blocking connection each, one request in flight per connection) for a fixed time per
/// concurrency level. Reports requests/s and p50/p99 latency against the in-process
/// `Engine.neighbors` time and a `ping` round trip, all measured in the same run.
enum ServerBenchmark {
  private struct Options {
    var users = 100_000
    var dimension = 384
    var k = 10
    var seconds = 5.0
    var connections = [1, 16, 64]

    init(_ args: [String]) throws {
      var index = 0
      func value() throws -> String {
        index += 1
        guard index < args.count else { throw BenchUsage(message: "missing value for \(args[index - 1])") }
        return args[index]
      }
      while index < args.count {
        switch args[index] {
        case "--n": users = try Self.positive(try value())
        case "--d": dimension = try Self.positive(try value())
        case "--k": k = try Self.positive(try value())
        case "--seconds": seconds = Double(try value()) ?? 0
        case "--connections": connections = try value().split(separator: ",").map { try Self.positive(String($0)) }
        default:
          throw BenchUsage(
            message: "usage: drp-bench server [--n 100000] [--d 384] [--k 10] [--seconds 5] [--connections 1,16,64]")
        }
        index += 1
      }
      guard seconds > 0, !connections.isEmpty else {
        throw BenchUsage(message: "--seconds and --connections must be positive")
      }
    }

    static func positive(_ text: String) throws -> Int {
      guard let number = Int(text.replacingOccurrences(of: "k", with: "000")), number > 0 else {
        throw BenchUsage(message: "expected a positive integer, got \(text)")
      }
      return number
    }
  }

  static func run(_ args: [String]) throws {
    let options = try Options(args)
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("drp-bench-server-\(getpid())").path
    try? FileManager.default.removeItem(atPath: home)
    defer { try? FileManager.default.removeItem(atPath: home) }
    let users = (0..<options.users).map { String(format: "bu%07d", $0) }
    let setup = ContinuousClock.now
    try buildHome(home, users: users, dimension: options.dimension)
    var config = DRPConfig()
    config.embedder.dimension = options.dimension
    let engine = try Engine(home: home, config: config)
    print(
      "setup: \(options.users) users, d=\(options.dimension), home built in \(seconds(ContinuousClock.now - setup)) s")

    // In process: the same call the handler makes.
    var generator = SplitMix64(seed: 7)
    var inProcess: [Duration] = []
    for _ in 0..<200 {
      let user = users[Int(generator.next() % UInt64(users.count))]
      let start = ContinuousClock.now
      _ = try engine.neighbors(user: user, k: options.k)
      inProcess.append(ContinuousClock.now - start)
    }
    inProcess.sort()
    print(
      "in-process Engine.neighbors k=\(options.k): p50 \(micros(percentile(inProcess, 0.5))) us, p99 \(micros(percentile(inProcess, 0.99))) us"
    )

    var limits = ServerLimits()
    limits.maxConnections = max(1024, options.connections.max()! + 16)
    let server = Server(
      configuration: ServerConfiguration(listeners: [.tcp(host: "127.0.0.1", port: 0)], limits: limits), logger: .silent
    )
    DRPMethods.register(on: server, engine: engine)
    // A no-op on the index lane isolates that lane's hand-offs (I/O loop -> worker -> I/O loop).
    server.register("bench.noop", lane: .index) { _, _ in [:] }
    guard let port = try server.start().first?.port else { throw BenchUsage(message: "no TCP port") }
    defer { server.shutdown(deadline: .seconds(2)) }

    let ping = try drive(port: port, connections: 1, seconds: min(options.seconds, 2)) { _ in
      Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8) + [0x0A]
    }
    print("ping (inline lane), 1 connection: \(ping.summary)")
    let noop = try drive(port: port, connections: 1, seconds: min(options.seconds, 2)) { _ in
      Array(#"{"jsonrpc":"2.0","id":1,"method":"bench.noop"}"#.utf8) + [0x0A]
    }
    print("no-op on the index lane, 1 connection: \(noop.summary)")
    // The index lane's hand-offs (I/O loop -> worker -> I/O loop) with a trivial handler: one
    // store lookup, measured in process too.
    var lookups: [Duration] = []
    for number in 0..<1000 {
      let start = ContinuousClock.now
      _ = engine.store.user(users[number * 7919 % users.count])
      lookups.append(ContinuousClock.now - start)
    }
    lookups.sort()
    let lookup = try drive(port: port, connections: 1, seconds: min(options.seconds, 2)) { number in
      Array(
        #"{"jsonrpc":"2.0","id":1,"method":"users.get","params":{"user":"\#(users[number % users.count])","limit":0}}"#
          .utf8)
        + [0x0A]
    }
    print(
      "users.get limit 0 (index lane), 1 connection: \(lookup.summary); in process the lookup takes p50 "
        + "\(micros(percentile(lookups, 0.5))) us")
    // Paired: the same user in process and over one connection, back to back, so load drift on
    // the shared machine affects both halves alike; the median difference is the protocol cost.
    let client = try LineClient(port: port)
    var differences: [Int] = []
    var tcpTimes: [Duration] = []
    let pairedEnd = ContinuousClock.now + .milliseconds(Int64(options.seconds * 2000))
    for number in 0..<300 where ContinuousClock.now < pairedEnd {
      let user = users[Int(generator.next() % UInt64(users.count))]
      let start = ContinuousClock.now
      _ = try engine.neighbors(user: user, k: options.k)
      let middle = ContinuousClock.now
      let reply = try client.roundTrip(neighborsRequest(user: user, k: options.k))
      let end = ContinuousClock.now
      if number == 0 && !reply.contains("\"neighbors\"") { throw BenchUsage(message: "unexpected reply \(reply)") }
      differences.append(micros(end - middle) - micros(middle - start))
      tcpTimes.append(end - middle)
    }
    differences.sort()
    tcpTimes.sort()
    print(
      "paired, 1 connection, \(differences.count) pairs: over TCP p50 \(micros(percentile(tcpTimes, 0.5))) us; "
        + "protocol overhead (TCP - in-process, same user) p50 \(differences[differences.count / 2]) us, "
        + "p90 \(differences[differences.count * 9 / 10]) us")
    print("| connections | requests/s | p50 (us) | p99 (us) | p50 - in-process p50 (us) |")
    print("|---|---|---|---|---|")
    for count in options.connections {
      let result = try drive(port: port, connections: count, seconds: options.seconds) { number in
        let user = users[Int(UInt64(truncatingIfNeeded: number &* 2_654_435_761) % UInt64(users.count))]
        return neighborsRequest(user: user, k: options.k)
      }
      let overhead = micros(percentile(result.latencies, 0.5)) - micros(percentile(inProcess, 0.5))
      print(
        "| \(count) | \(Int(result.rate)) | \(micros(percentile(result.latencies, 0.5))) | "
          + "\(micros(percentile(result.latencies, 0.99))) | \(overhead) |")
    }
  }

  /// A `neighbors` request line for `user`.
  private static func neighborsRequest(user: String, k: Int) -> [UInt8] {
    Array(#"{"jsonrpc":"2.0","id":1,"method":"neighbors","params":{"user":"\#(user)","k":\#(k)}}"#.utf8) + [0x0A]
  }

  /// Stores one review per user and writes `users.drpi` with a random unit vector per user.
  private static func buildHome(_ home: String, users: [String], dimension: Int) throws {
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let store = try ReviewStore(home: home)
    try store.transaction {
      for (number, user) in users.enumerated() {
        try store.addReview(
          Review(
            userID: user, itemID: "item\(number % 1000)", rating: 4, title: "t", text: "review \(number)",
            timestamp: Int64(number)))
      }
    }
    let index = VectorIndex(dimension: dimension)
    index.reserveCapacity(users.count)
    var generator = SplitMix64(seed: 42)
    var vector = [Float](repeating: 0, count: dimension)
    for user in users {
      var norm: Float = 0
      for component in 0..<dimension {
        vector[component] = Float(Double(generator.next() >> 11) / Double(1 << 53)) * 2 - 1
        norm += vector[component] * vector[component]
      }
      let scale = 1 / norm.squareRoot()
      try index.upsert(id: user, vector: vector.map { $0 * scale })
    }
    try index.save(path: (home as NSString).appendingPathComponent(Engine.indexFileName))
  }

  /// What `drive` measured.
  private struct Result {
    var latencies: [Duration]
    var rate: Double
    var summary: String {
      "\(Int(rate)) req/s, p50 \(micros(percentile(latencies, 0.5))) us, p99 \(micros(percentile(latencies, 0.99))) us"
    }
  }

  /// Runs `connections` client threads for `seconds`, each sending `request(n)` and waiting for
  /// the reply line before the next; fails if any reply is an error.
  private static func drive(
    port: UInt16, connections: Int, seconds: Double, request: @escaping @Sendable (Int) -> [UInt8]
  )
    throws -> Result
  {
    let collected = Mutex<(latencies: [Duration], failures: [String])>(([], []))
    let group = DispatchGroup()
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(seconds * 1000))
    for thread in 0..<connections {
      group.enter()
      let worker = Thread {
        defer { group.leave() }
        var local: [Duration] = []
        do {
          let client = try LineClient(port: port)
          var number = thread * 1_000_003
          while ContinuousClock.now < end {
            let bytes = request(number)
            number += 1
            let sent = ContinuousClock.now
            let reply = try client.roundTrip(bytes)
            local.append(ContinuousClock.now - sent)
            if local.count == 1 && !reply.contains("\"result\"") { throw BenchUsage(message: "error reply: \(reply)") }
          }
        } catch {
          collected.withLock { $0.failures.append("\(error)") }
        }
        collected.withLock { $0.latencies += local }
      }
      worker.start()
    }
    group.wait()
    let elapsed = ContinuousClock.now - start
    let (latencies, failures) = collected.withLock { ($0.latencies.sorted(), $0.failures) }
    if let failure = failures.first { throw BenchUsage(message: "client failed: \(failure)") }
    return Result(latencies: latencies, rate: Double(latencies.count) / Self.seconds(elapsed))
  }

  private static func percentile(_ sorted: [Duration], _ fraction: Double) -> Duration {
    guard !sorted.isEmpty else { return .zero }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
  }

  private static func micros(_ duration: Duration) -> Int {
    Int(duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000)
  }

  private static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }
}

/// A minimal blocking line client: one reusable buffer, no JSON parsing (so client cost stays
/// out of the server's latency as far as possible).
private final class LineClient {
  private let fd: Int32
  private var buffer = [UInt8](repeating: 0, count: 1 << 16)
  private var pending: [UInt8] = []

  init(port: UInt16) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      close(fd)
      throw BenchUsage(message: "connect failed: errno \(errno)")
    }
    var one: Int32 = 1
    _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
  }

  deinit { close(fd) }

  /// Sends `request` and returns the next reply line.
  func roundTrip(_ request: [UInt8]) throws -> String {
    var offset = 0
    while offset < request.count {
      let written = request.withUnsafeBytes {
        send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
      }
      guard written > 0 else { throw BenchUsage(message: "send failed: errno \(errno)") }
      offset += written
    }
    while true {
      if let newline = pending.firstIndex(of: 0x0A) {
        let line = String(decoding: pending[..<newline], as: UTF8.self)
        pending.removeSubrange(...newline)
        return line
      }
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { throw BenchUsage(message: "connection closed (errno \(errno))") }
      pending.append(contentsOf: buffer[0..<count])
    }
  }
}

/// A small deterministic random generator (SplitMix64).
private struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

// drp-bench server: `neighbors` over loopback TCP vs the same query in process (BENCHMARKS.md, "Server").
import DRPCore
import DRPEngine
import DRPIndex
import DRPServer
import DRPService
import DRPStore
import Dispatch
import Foundation
import Glibc
import Synchronization

/// `drp-bench server [--n 100000] [--d 384] [--k 10] [--seconds 5] [--connections 1,16,64]`:
/// builds a home with N users (one review each) and an index of N random unit vectors, serves it
/// with the real handlers on 127.0.0.1, and drives it from client threads (one blocking
/// connection each, one request in flight per connection). Measured in the same run:
/// - peers: a minimal blocking echo server over the same loopback (the machine's round-trip
///   floor) and the same `neighbors` query behind a minimal blocking line server (what any server
///   pays on this machine for this request);
/// - drp with busy polling off and on: `ping`, an index-lane no-op (with CPU time per request),
///   and `neighbors` with the handler's own engine time returned in each reply, so the overhead
///   of every single request is its round trip minus its own query time;
/// - a diagnostic with a polling client (the client's own wake-up removed);
/// - `neighbors` at 1, 16 and 64 connections: requests/s and p50/p99 against the in-process
///   `Engine.neighbors` time, coalesced (the real method) and one by one (`bench.neighbors.alone`,
///   the handler before coalescing) in the same run.
enum ServerBenchmark {
  private struct Options {
    var users = 100_000
    var dimension = 384
    var k = 10
    var seconds = 5.0
    var connections = [1, 16, 64]

    init(_ args: [String]) throws {
      var arguments = BenchArguments(args)
      while let flag = arguments.next() {
        switch flag {
        case "--n": users = try arguments.positive()
        case "--d": dimension = try arguments.positive()
        case "--k": k = try arguments.positive()
        case "--seconds": seconds = Double(try arguments.value()) ?? 0
        case "--connections": connections = try arguments.integers()
        default:
          throw BenchUsage(
            message: "usage: drp-bench server [--n 100000] [--d 384] [--k 10] [--seconds 5] [--connections 1,16,64]")
        }
      }
      guard seconds > 0, !connections.isEmpty, connections.allSatisfy({ $0 > 0 }) else {
        throw BenchUsage(message: "--seconds and --connections must be positive")
      }
    }
  }

  static func run(_ args: [String]) throws {
    let options = try Options(args)
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("drp-bench-server-\(getpid())").path
    try? FileManager.default.removeItem(atPath: home)
    defer { try? FileManager.default.removeItem(atPath: home) }
    let users = (0..<options.users).map { String(format: "bu%07d", $0) }
    /// The user of a client's `number`-th request: spread over the index, distinct per request.
    @Sendable func user(_ number: Int) -> String {
      users[Int(UInt64(truncatingIfNeeded: number &* 2_654_435_761) % UInt64(users.count))]
    }
    /// A `bench.neighbors` request line for the `number`-th request.
    @Sendable func timedNeighbors(_ number: Int) -> [UInt8] {
      Array(
        #"{"jsonrpc":"2.0","id":1,"method":"bench.neighbors","params":{"user":"\#(user(number))","k":\#(options.k)}}"#
          .utf8)
        + [0x0A]
    }
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

    let echo = try MinimalLineServer { String($0) }
    defer { echo.stop() }
    // The same query behind the thinnest possible server: the request line is the user id.
    let minimal = try MinimalLineServer { user in
      let start = ContinuousClock.now
      let found = (try? engine.neighbors(user: String(user), k: options.k)) ?? []
      let took = ContinuousClock.now - start
      return #"{"result":{"engine_ns":\#(nanoseconds(took)),"neighbors":""#
        + found.map { "\($0.id) \($0.score)" }.joined(separator: ",") + #""}}"#
    }
    defer { minimal.stop() }
    let line = Array(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#.utf8) + [0x0A]
    let floor = try drive(port: echo.port, connections: 1, seconds: min(options.seconds, 2), expect: "ping") { _ in line
    }
    print("peer: blocking echo server, 1 connection: \(floor.summary)")
    let thin = try drive(port: minimal.port, connections: 1, seconds: options.seconds) { number in
      Array(user(number).utf8) + [0x0A]
    }
    let thinOverheads = overheads(thin)
    print(
      "peer: the same neighbors query behind a minimal blocking line server, 1 connection: round trip p50 "
        + "\(micros(percentile(thin.latencies, 0.5))) us, engine p50 \(micros(percentile(thin.engineTimes.sorted(), 0.5))) us, "
        + "round trip - engine p50 \(thinOverheads[thinOverheads.count / 2]) us, p90 \(thinOverheads[thinOverheads.count * 9 / 10]) us"
    )
    print(
      "| busy poll | echo floor p50 | ping p50 (CPU/req) | index no-op p50 (CPU/req) | neighbors round trip p50 | engine time p50 | overhead p50 / p90 |"
    )
    print("|---|---|---|---|---|---|---|")
    var server: Server?
    var port: UInt16 = 0
    for busyPoll in [Duration.zero, ServerLimits().busyPoll] {
      server?.shutdown(deadline: .seconds(2))
      (server, port) = try serve(engine, busyPoll: busyPoll, connections: options.connections.max()!)
      let echoNow = try drive(port: echo.port, connections: 1, seconds: 1, expect: "ping") { _ in line }
      let ping = try drive(port: port, connections: 1, seconds: min(options.seconds, 2)) { _ in line }
      let noop = try drive(port: port, connections: 1, seconds: min(options.seconds, 2)) { _ in
        Array(#"{"jsonrpc":"2.0","id":1,"method":"bench.noop"}"#.utf8) + [0x0A]
      }
      let timed = try drive(port: port, connections: 1, seconds: options.seconds) { number in timedNeighbors(number) }
      let overheads = overheads(timed)
      print(
        "| \(micros(busyPoll)) us | \(micros(percentile(echoNow.latencies, 0.5))) us "
          + "| \(micros(percentile(ping.latencies, 0.5))) us (\(ping.cpuPerRequest) us) "
          + "| \(micros(percentile(noop.latencies, 0.5))) us (\(noop.cpuPerRequest) us) "
          + "| \(micros(percentile(timed.latencies, 0.5))) us | \(micros(percentile(timed.engineTimes.sorted(), 0.5))) us "
          + "| \(overheads[overheads.count / 2]) / \(overheads[overheads.count * 9 / 10]) us (n=\(overheads.count)) |")
    }
    defer { server?.shutdown(deadline: .seconds(2)) }
    // Diagnostic: the same two neighbors measurements with a client that polls its socket, so the
    // client's own wake-up is not in the round trip (applications normally block, as above).
    let thinPolled = overheads(
      try drive(port: minimal.port, connections: 1, seconds: options.seconds, pollingClient: true) { number in
        Array(user(number).utf8) + [0x0A]
      })
    let ownPolled = overheads(
      try drive(port: port, connections: 1, seconds: options.seconds, pollingClient: true) { number in
        timedNeighbors(number)
      })
    print(
      "diagnostic, polling client: round trip - engine p50 \(thinPolled[thinPolled.count / 2]) us behind the minimal "
        + "server, \(ownPolled[ownPolled.count / 2]) us behind drp (busy poll \(micros(ServerLimits().busyPoll)) us)")
    // `neighbors` (queued requests coalesced into batch searches) against the same requests
    // answered one by one (`bench.neighbors.alone`: the handler before coalescing), same run.
    print(
      "| connections | coalesced req/s | p50 (us) | p99 (us) | p50 - in-process p50 (us) | groups (mean size) "
        + "| one by one req/s | p50 (us) | p99 (us) | req/s ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    guard let running = server else { throw BenchUsage(message: "no server") }
    for count in options.connections {
      let before = running.stats()
      let result = try drive(port: port, connections: count, seconds: options.seconds) { number in
        neighborsRequest(method: "neighbors", user: user(number), k: options.k)
      }
      let after = running.stats()
      let groups = after.coalescedGroups - before.coalescedGroups
      let grouped = after.coalescedRequests - before.coalescedRequests
      let alone = try drive(port: port, connections: count, seconds: options.seconds) { number in
        neighborsRequest(method: "bench.neighbors.alone", user: user(number), k: options.k)
      }
      let overhead = micros(percentile(result.latencies, 0.5)) - micros(percentile(inProcess, 0.5))
      print(
        "| \(count) | \(Int(result.rate)) | \(micros(percentile(result.latencies, 0.5))) | "
          + "\(micros(percentile(result.latencies, 0.99))) | \(overhead) | "
          + "\(groups) (\(groups > 0 ? String(format: "%.1f", Double(grouped) / Double(groups)) : "-")) | "
          + "\(Int(alone.rate)) | \(micros(percentile(alone.latencies, 0.5))) | \(micros(percentile(alone.latencies, 0.99))) | "
          + String(format: "%.2f |", result.rate / alone.rate))
    }
  }

  /// A `method` request line (`neighbors` or a benchmark variant) for `user`.
  private static func neighborsRequest(method: String, user: String, k: Int) -> [UInt8] {
    Array(#"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":{"user":"\#(user)","k":\#(k)}}"#.utf8) + [0x0A]
  }

  /// Stores one review per user and writes `users.drpi` with a random unit vector per user.
  private static func buildHome(_ home: String, users: [String], dimension: Int) throws {
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let store = try ReviewStore(home: home)
    try store.addReviews(
      users.enumerated().map { number, user in
        Review(
          userID: user, itemID: "item\(number % 1000)", rating: 4, title: "t", text: "review \(number)",
          timestamp: Int64(number))
      })
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
    /// Sorted round-trip times.
    var latencies: [Duration]
    /// Round-trip times in request order (meaningful with one connection).
    var inOrder: [Duration]
    /// The `engine_ns` member of each reply, in request order, where present.
    var engineTimes: [Duration]
    var rate: Double
    /// Process CPU time (client and server) per request, in microseconds.
    var cpuPerRequest: Int
    var summary: String {
      "\(Int(rate)) req/s, p50 \(micros(percentile(latencies, 0.5))) us, p99 \(micros(percentile(latencies, 0.99))) us"
    }
  }

  /// Runs `connections` client threads for `seconds`, each sending `request(n)` and waiting for
  /// the reply line before the next; fails if any reply lacks `expect` (an error reply).
  private static func drive(
    port: UInt16, connections: Int, seconds: Double, expect: String = #""result""#, pollingClient: Bool = false,
    request: @escaping @Sendable (Int) -> [UInt8]
  )
    throws -> Result
  {
    let collected = Mutex<(times: [(Duration, Duration?)], failures: [String])>(([], []))
    let group = DispatchGroup()
    let cpuBefore = processCPUMicros()
    let start = ContinuousClock.now
    let end = start + .milliseconds(Int64(seconds * 1000))
    for thread in 0..<connections {
      group.enter()
      let worker = Thread {
        defer { group.leave() }
        var local: [(Duration, Duration?)] = []
        do {
          let client = try LineClient(port: port, polling: pollingClient)
          var number = thread * 1_000_003
          while ContinuousClock.now < end {
            let bytes = request(number)
            number += 1
            let sent = ContinuousClock.now
            let reply = try client.roundTrip(bytes)
            local.append((ContinuousClock.now - sent, engineTime(in: reply)))
            if !reply.contains(expect) {
              throw BenchUsage(message: "error reply after \(local.count - 1) requests: \(reply)")
            }
          }
        } catch {
          collected.withLock { $0.failures.append("\(error)") }
        }
        collected.withLock { $0.times += local }
      }
      worker.start()
    }
    group.wait()
    let elapsed = ContinuousClock.now - start
    let cpu = processCPUMicros() - cpuBefore
    let (times, failures) = collected.withLock { ($0.times, $0.failures) }
    if let failure = failures.first { throw BenchUsage(message: "client failed: \(failure)") }
    return Result(
      latencies: times.map(\.0).sorted(), inOrder: times.map(\.0), engineTimes: times.compactMap(\.1),
      rate: Double(times.count) / Self.seconds(elapsed), cpuPerRequest: times.isEmpty ? 0 : cpu / times.count)
  }

  /// Per request: round trip minus the engine time the reply reports, in microseconds, sorted.
  private static func overheads(_ result: Result) -> [Int] {
    zip(result.inOrder, result.engineTimes).map { micros($0) - micros($1) }.sorted()
  }

  /// The `engine_ns` member of a `bench.neighbors` reply.
  private static func engineTime(in reply: String) -> Duration? {
    guard let range = reply.range(of: "\"engine_ns\":") else { return nil }
    let digits = reply[range.upperBound...].prefix { $0.isNumber }
    return Int64(digits).map { .nanoseconds($0) }
  }

  /// User plus system CPU time of this process so far, in microseconds.
  private static func processCPUMicros() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + usage.ru_utime.tv_usec
      + usage.ru_stime.tv_usec
  }

  /// Starts a server for `engine` with the real methods plus the benchmark's own: `bench.noop`
  /// (index lane, does nothing) and `bench.neighbors` (index lane: `Engine.neighbors` like the
  /// real handler, with the engine call's own duration in the reply as `engine_ns`).
  private static func serve(_ engine: Engine, busyPoll: Duration, connections: Int) throws -> (
    Server, UInt16
  ) {
    var limits = ServerLimits()
    limits.maxConnections = max(1024, connections + 16)
    limits.busyPoll = busyPoll
    let server = Server(
      configuration: ServerConfiguration(listeners: [.tcp(host: "127.0.0.1", port: 0)], limits: limits), logger: .silent
    )
    DRPMethods.register(on: server, engine: engine)
    server.register("bench.noop", lane: .index) { _, _ in [:] }
    // `neighbors` as it was before coalescing: one scan per request, on the index lane.
    server.register("bench.neighbors.alone", lane: .index) { params, _ in
      let found = try engine.neighbors(
        user: try params.requireString("user"), k: try params.optionalInt("k", default: 10))
      return [
        "neighbors": .array(found.map { ["id": .string($0.id), "score": .double(Double(String($0.score)) ?? 0)] })
      ]
    }
    server.register("bench.neighbors", lane: .index) { params, _ in
      let user = try params.requireString("user")
      let k = try params.optionalInt("k", default: 10, range: 1...1000)
      let start = ContinuousClock.now
      let found = try? engine.neighbors(user: user, k: k)
      let took = ContinuousClock.now - start
      return [
        "neighbors": .array(
          (found ?? []).map { ["id": .string($0.id), "score": .double(Double(String($0.score)) ?? Double($0.score))] }),
        "engine_ns": .int(nanoseconds(took)),
      ]
    }
    guard let port = try server.start().first?.port else { throw BenchUsage(message: "no TCP port") }
    return (server, port)
  }

  private static func percentile(_ sorted: [Duration], _ fraction: Double) -> Duration {
    guard !sorted.isEmpty else { return .zero }
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
  }

  private static func nanoseconds(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
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
final class LineClient {
  private let fd: Int32
  private var buffer = [UInt8](repeating: 0, count: 1 << 16)
  private var pending: [UInt8] = []

  /// Poll the socket (non-blocking reads and `sched_yield`) instead of sleeping in `recv`: a
  /// diagnostic that removes the client's own wake-up from the measured round trip.
  private let polling: Bool

  init(port: UInt16, polling: Bool = false) throws {
    self.polling = polling
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

  /// Sends `request` without waiting for a reply (then drop the client to leave it unanswered).
  func sendOnly(_ request: [UInt8]) {
    _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
  }

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
      let count = buffer.withUnsafeMutableBytes {
        recv(fd, $0.baseAddress, $0.count, polling ? Int32(MSG_DONTWAIT) : 0)
      }
      if count < 0 && polling && (errno == EAGAIN || errno == EWOULDBLOCK) {
        sched_yield()
        continue
      }
      guard count > 0 else { throw BenchUsage(message: "connection closed (errno \(errno))") }
      pending.append(contentsOf: buffer[0..<count])
    }
  }
}

/// The peers: a minimal blocking line server on 127.0.0.1 (one thread per connection: read a
/// line, answer `respond(line)`, nothing else), i.e. what any server pays on this machine.
private final class MinimalLineServer: @unchecked Sendable {
  let port: UInt16
  private let listener: Int32

  init(respond: @escaping @Sendable (Substring) -> String) throws {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.listener = listener
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, length) == 0 && listen(listener, 16) == 0 && getsockname(listener, $0, &length) == 0
      }
    }
    guard bound else { throw BenchUsage(message: "peer server: bind failed, errno \(errno)") }
    port = UInt16(bigEndian: address.sin_port)
    Thread {
      while true {
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { return }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        Thread { Self.serve(fd, respond) }.start()
      }
    }.start()
  }

  /// Stops accepting (connections already open end when their client closes).
  func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

  private static func serve(_ fd: Int32, _ respond: (Substring) -> String) {
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var pending: [UInt8] = []
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      guard count > 0 else { break }
      pending += buffer[0..<count]
      while let newline = pending.firstIndex(of: 0x0A) {
        let reply = Array(respond(Substring(decoding: pending[..<newline], as: UTF8.self)).utf8) + [0x0A]
        pending.removeSubrange(...newline)
        _ = reply.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      }
    }
    close(fd)
  }
}

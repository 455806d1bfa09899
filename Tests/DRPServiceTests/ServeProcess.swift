import DRPCore
import DRPProtocol
import DRPServer
import DRPTestSupport
import Foundation
import Glibc
import Synchronization
import XCTest

/// A home directory prepared from the generated sample (`drp sample`, `drp import`, `drp embed`),
/// built once per test run and copied for each server so tests never share mutable state.
enum SampleHome {
  private static let template = Mutex<URL?>(nil)

  /// A fresh copy of the prepared home inside `directory`.
  static func copy(into directory: TemporaryDirectory) throws -> URL {
    let source = try template.withLock { prepared -> URL in
      if let prepared { return prepared }
      let root = try TestSupport.makeTemporaryDirectory("drp-serve-template")
      let sample = root.appendingPathComponent("sample")
      let home = root.appendingPathComponent("home")
      for arguments in [
        ["sample", "--out", sample.path, "--users", "120", "--items", "40"],
        [
          "--home", home.path, "import", sample.appendingPathComponent("reviews.jsonl").path,
          sample.appendingPathComponent("items.jsonl").path,
        ],
        ["--home", home.path, "embed"],
      ] {
        let result = try runProcess(TestSupport.drpBinary, arguments, timeout: 60)
        guard result.status == 0 else { throw ServerError("drp \(arguments[0...1]) failed: \(result.stderr)") }
      }
      prepared = home
      // Removed when the test process exits (a static has no other end of life).
      atexit {
        if let root = SampleHome.template.withLock({ $0 })?.deletingLastPathComponent() {
          try? FileManager.default.removeItem(at: root)
        }
      }
      return home
    }
    let home = directory.url.appendingPathComponent("home")
    try FileManager.default.copyItem(at: source, to: home)
    return home
  }
}

/// A real `drp serve` subprocess on 127.0.0.1 port 0 and a Unix socket, over a copy of the
/// sample home (or a home the test prepared). Killed (SIGKILL) on deinit if still running.
final class ServeProcess {
  let directory: TemporaryDirectory
  let home: URL
  let socketPath: String
  let process = Process()
  private(set) var tcp: Endpoint = .tcp(host: "127.0.0.1", port: 0)
  private(set) var unix: Endpoint
  private let stdoutFile: URL
  private let stderrFile: URL

  /// Starts the server and waits (at most 30 s) until it prints both listeners.
  /// - Parameter home: the home to serve (default: a fresh copy of the sample home).
  init(home: URL? = nil, extraArguments: [String] = [], environment: [String: String] = [:]) throws {
    directory = try TemporaryDirectory("drp-serve")
    let home = try home ?? SampleHome.copy(into: directory)
    self.home = home
    socketPath = directory.path("drp.sock")
    unix = .unix(path: socketPath)
    stdoutFile = directory.url.appendingPathComponent("serve.out")
    stderrFile = directory.url.appendingPathComponent("serve.err")
    _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
    process.executableURL = TestSupport.drpBinary
    process.arguments =
      ["--home", home.path, "serve", "--tcp", "127.0.0.1:0", "--unix", socketPath] + extraArguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
    process.standardError = try FileHandle(forWritingTo: stderrFile)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
      let lines = output.split(separator: "\n")
      if let json = lines.first(where: { $0.hasPrefix("{") }),
        let address = try? JSONParser().parse(String(json))["tcp"]?.string
      {
        tcp = try Endpoint(parsing: "tcp://" + address)
        return
      }
      if let tcpLine = lines.first(where: { $0.hasPrefix("listening tcp ") }),
        lines.contains(where: { $0.hasPrefix("listening unix ") })
      {
        tcp = try Endpoint(parsing: "tcp://" + tcpLine.dropFirst("listening tcp ".count))
        return
      }
      guard process.isRunning else { break }
      usleep(10_000)
    }
    throw ServerError("drp serve did not start: stdout \(output) stderr \(log)")
  }

  deinit {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  /// What the server printed on stdout.
  var output: String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }
  /// The server's log (stderr).
  var log: String { (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "" }

  /// Open file descriptors of the server process.
  func openDescriptors() -> Int { OpenDescriptors.count(of: "\(process.processIdentifier)") }

  /// Waits (bounded by `timeout`) until the descriptor count drops to `target`; returns the last count.
  func settleDescriptors(to target: Int, timeout: Duration = .seconds(10)) -> Int {
    let deadline = ContinuousClock.now + timeout
    var count = openDescriptors()
    while count > target && ContinuousClock.now < deadline {
      usleep(50_000)
      count = openDescriptors()
    }
    return count
  }

  /// Sends `signal` and waits up to `timeout` for the exit.
  /// - Returns: the exit status (nil if the process is still running after `timeout`) and the time taken.
  func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(20)) -> (status: Int32?, elapsed: Duration) {
    kill(process.processIdentifier, signal)
    return waitForExit(timeout: timeout)
  }

  /// Waits up to `timeout` for the process to exit.
  /// - Returns: the exit status (nil if still running) and the time waited.
  func waitForExit(timeout: Duration) -> (status: Int32?, elapsed: Duration) {
    let start = ContinuousClock.now
    while process.isRunning && ContinuousClock.now - start < timeout { usleep(10_000) }
    let elapsed = ContinuousClock.now - start
    guard !process.isRunning else { return (nil, elapsed) }
    let status =
      process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    return (status, elapsed)
  }

  /// Runs `drp --home <home> arguments…` (the CLI beside the server, e.g. to compare outputs).
  func cli(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil) throws -> ProcessResult {
    try drp(home: home, arguments, environment: environment, stdin: stdin, timeout: 60)
  }
}

// Helpers shared by the test targets: the drp binary, temporary directories, ../shared data.
import Foundation
import XCTest

/// Paths and processes the tests use.
public enum TestSupport {
  /// The package root (the directory holding Package.swift).
  public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The team's shared data directory beside the checkout, if it exists.
  public static var sharedDirectory: URL? {
    let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// A file under `../shared/data`, or an `XCTSkip` naming what is missing.
  public static func sharedDataFile(_ name: String) throws -> URL {
    guard let shared = sharedDirectory else {
      throw XCTSkip("../shared is absent (a user's clone has no team data); skipping test that needs \(name)")
    }
    let url = shared.appendingPathComponent("data").appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw XCTSkip("\(url.path) is missing; skipping")
    }
    return url
  }

  /// The real local LLM server (`../shared/tools/local-models`), or an `XCTSkip`.
  public static func localLLM() throws -> (url: String, model: String) {
    let env = ProcessInfo.processInfo.environment
    guard let url = env["DRP_TEST_LLM_URL"], let model = env["DRP_TEST_LLM_MODEL"], !url.isEmpty else {
      throw XCTSkip("DRP_TEST_LLM_URL/DRP_TEST_LLM_MODEL unset: start ../shared/tools/local-models to run this test")
    }
    return (url, model)
  }

  /// The real local embedding server (`../shared/tools/local-models`), or an `XCTSkip`.
  public static func localEmbedder() throws -> (url: String, model: String) {
    let env = ProcessInfo.processInfo.environment
    guard let url = env["DRP_TEST_EMBED_URL"], let model = env["DRP_TEST_EMBED_MODEL"], !url.isEmpty else {
      throw XCTSkip(
        "DRP_TEST_EMBED_URL/DRP_TEST_EMBED_MODEL unset: start ../shared/tools/local-models to run this test")
    }
    return (url, model)
  }

  /// The built `drp` executable: it sits beside the test runner in the build products directory.
  public static var drpBinary: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("drp")
  }

  /// Makes a fresh temporary directory; the caller removes it (see `TemporaryDirectory`).
  public static func makeTemporaryDirectory(_ prefix: String = "drp-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// A temporary directory removed when the value is deinitialised.
public final class TemporaryDirectory: @unchecked Sendable {
  /// The directory.
  public let url: URL
  /// Creates the directory.
  public init(_ prefix: String = "drp-test") throws { url = try TestSupport.makeTemporaryDirectory(prefix) }
  /// A path inside the directory.
  public func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  deinit { try? FileManager.default.removeItem(at: url) }
}

/// The outcome of running a process to completion.
public struct ProcessResult: Sendable {
  /// Exit status (or 128 + signal).
  public var status: Int32
  /// Everything written to standard output.
  public var stdout: String
  /// Everything written to standard error.
  public var stderr: String
  /// Standard output parsed as one JSON document (fails the test if it is not).
  public func json(file: StaticString = #filePath, line: UInt = #line) throws -> Any {
    do {
      return try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    } catch {
      XCTFail(
        "stdout is not one JSON document: \(stdout.prefix(500))\nstderr: \(stderr.prefix(500))", file: file, line: line)
      throw error
    }
  }
}

/// Runs `drp` (or another executable) with arguments, environment additions and optional stdin,
/// waiting at most `timeout` seconds (then the process is killed and the test fails).
@discardableResult
public func runProcess(
  _ executable: URL = TestSupport.drpBinary, _ arguments: [String], environment: [String: String] = [:],
  stdin: Data? = nil, timeout: TimeInterval = 120, file: StaticString = #filePath, line: UInt = #line
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment
  for (key, value) in environment { env[key] = value }
  process.environment = env
  let outURL = try TestSupport.makeTemporaryDirectory("drp-proc")
  defer { try? FileManager.default.removeItem(at: outURL) }
  let outFile = outURL.appendingPathComponent("out"), errFile = outURL.appendingPathComponent("err")
  _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
  let out = try FileHandle(forWritingTo: outFile), err = try FileHandle(forWritingTo: errFile)
  process.standardOutput = out
  process.standardError = err
  let input = Pipe()
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(stdin) }
  try? input.fileHandleForWriting.close()
  let deadline = Date().addingTimeInterval(timeout)
  while process.isRunning && Date() < deadline { usleep(5_000) }
  if process.isRunning {
    process.terminate()
    XCTFail(
      "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) timed out after \(timeout) s", file: file,
      line: line)
    process.waitUntilExit()
  }
  try? out.close()
  try? err.close()
  let stdout = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
  let stderr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
  let status =
    process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
  return ProcessResult(status: status, stdout: stdout, stderr: stderr)
}

/// Runs `drp --home HOME arguments...`.
@discardableResult
public func drp(
  home: URL, _ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil,
  timeout: TimeInterval = 120, file: StaticString = #filePath, line: UInt = #line
) throws -> ProcessResult {
  try runProcess(
    TestSupport.drpBinary, ["--home", home.path] + arguments, environment: environment, stdin: stdin, timeout: timeout,
    file: file, line: line)
}

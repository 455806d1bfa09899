import DRPCore
import DRPProtocol
import DRPServer
import DRPTestSupport
import Foundation
import XCTest

/// A handler error with a message of our own.
struct FixtureError: Error, CustomStringConvertible {
  var description: String { "the fixture failed on purpose" }
}

/// A server on 127.0.0.1:0 and a temporary Unix socket with test methods registered.
final class ServerFixture: Sendable {
  let server: Server
  let directory: TemporaryDirectory
  let socketPath: String
  let tcp: Endpoint
  let unix: Endpoint

  init(limits: ServerLimits = ServerLimits(), token: String? = nil) throws {
    directory = try TemporaryDirectory("drp-server")
    socketPath = directory.path("drp.sock")
    server = Server(
      configuration: ServerConfiguration(
        listeners: [.tcp(host: "127.0.0.1", port: 0), .unix(path: socketPath)], token: token, limits: limits),
      logger: .silent)
    server.register("echo") { params, _ in .object(params.members) }
    server.register("needs") { params, _ in .string(try params.requireString("user")) }
    server.register("fail") { _, _ in throw FixtureError() }
    Self.registerSlow(on: server)
    server.registerAsync("stream") { params, context in
      let count = try params.optionalInt("n", default: 3, range: 0...1000)
      for index in 0..<count { context.notify(progress: ["delta": .string("part\(index)")]) }
      return ["parts": .int(Int64(count))]
    }
    let endpoints = try server.start()
    tcp = endpoints[0]
    unix = endpoints[1]
  }

  deinit { server.shutdown(deadline: .milliseconds(200)) }

  /// Registers `slow` (background lane): sleeps `ms` (default 200) in 5 ms steps, checking for
  /// cancellation, and answers `{"slept": ms}`.
  static func registerSlow(on server: Server) {
    server.registerAsync("slow") { params, context in
      let millis = try params.optionalInt("ms", default: 200, range: 0...60_000)
      let start = ContinuousClock.now
      while ContinuousClock.now - start < .milliseconds(millis) {
        try context.checkCancellation()
        try await Task.sleep(for: .milliseconds(5))
      }
      return ["slept": .int(Int64(millis))]
    }
  }

  /// This process's open descriptors (`OpenDescriptors`: TSan's symbolizer pipes left out).
  static func openDescriptors() -> Int { OpenDescriptors.count() }

  /// Each open descriptor of this process and what it refers to, for failure messages.
  static func descriptorTargets() -> Set<String> { OpenDescriptors.targets() }
}

import DRPCore
import DRPEngine
import DRPIndex
import DRPProtocol
import DRPServer
import DRPService
import Foundation

/// `drp serve`: the JSON-RPC server (PROTOCOL.md) over the home directory's store and index.
struct ServeCommand: Command {
  let name = "serve"
  let summary = "serve the JSON-RPC protocol on TCP and/or a Unix socket"
  let usage = """
    usage: drp serve [--tcp HOST:PORT] [--unix PATH] [--allow-remote --token T] [--grace S]
                     [--log-level L] [--json]

    Opens the store and the user index (checksummed whole: a damaged index is logged and index
    requests are refused until `drp index build`), listens, prints one line per listener
    (`listening tcp 127.0.0.1:7411`, `listening unix /path`) and answers requests until SIGINT or
    SIGTERM; then it finishes (or after --grace seconds cancels) requests in flight, saves the
    index if reviews were added, removes the Unix socket and exits 0.
      --tcp HOST:PORT   TCP address (port 0: a free port; the line printed shows the real one)
      --unix PATH       Unix socket path (mode 0600)
                        Without --tcp/--unix the config's `server.tcp` and `server.unix` are used.
      --allow-remote    allow a non-loopback TCP address; needs --token (or env DRP_SERVER_TOKEN)
      --token T         TCP clients must send {"method":"auth","params":{"token":T}} first
      --grace S         seconds in-flight requests may take to finish at shutdown (default 10)
      --log-level L     debug|info|warning|error (default info; logs go to stderr)
      --json            print the listeners as one JSON line {"tcp":"HOST:PORT","unix":"PATH"}
    """
  let options: [OptionSpec] = [
    .value("tcp"), .value("unix"), .flag("allow-remote"), .value("token"), .value("grace"), .value("log-level"),
    .json,
  ]

  func run(_ context: CommandContext) throws {
    guard context.arguments.positionals.isEmpty else { throw UsageError(description: "serve takes no arguments") }
    let configuration = try serverConfiguration(context)
    let grace = try context.arguments.int("grace", default: 10, in: 0...3600)
    let logger = Logger(level: try logLevel(context.arguments.value("log-level") ?? "info"))
    let engine = try context.engine()
    verifyIndex(engine, logger)
    // A long-running server maps the whole index in now, not during its first queries.
    engine.index.prefault()
    let server = Server(configuration: configuration, logger: logger)
    DRPMethods.register(on: server, engine: engine)
    let endpoints: [Endpoint]
    do {
      endpoints = try server.start()
    } catch {
      throw RuntimeError(description: error.description)
    }
    server.runUntilSignalled(grace: .seconds(grace)) { announce(endpoints, context) }
    do {
      try engine.flush()
    } catch let error as EngineError where error.kind == .damagedIndex {
      // The reviews are stored and the index is marked stale: the next `drp embed` rebuilds it.
      logger.log(.warning, "index not saved at shutdown: \(error)")
      return
    } catch {
      throw RuntimeError(description: "could not save the index at shutdown: \(error)")
    }
    logger.log(.info, "index saved; exiting")
  }

  /// Checksums the whole index file before listening. A damaged file does not stop the server:
  /// index requests are refused with a damaged-index error (-32013) naming the repair command,
  /// other requests are served.
  private func verifyIndex(_ engine: Engine, _ logger: Logger) {
    let (seconds, problem) = engine.verifyIndexFile()
    let elapsed: KeyValuePairs = ["ms": String(format: "%.1f", seconds * 1000)]
    if let problem {
      logger.log(
        .error,
        "the user index is damaged (\(problem)); index requests are refused until it is rebuilt "
          + "with `drp index build` (or `drp embed --rebuild`)", elapsed)
    } else {
      logger.log(.info, "index checksums verified", elapsed)
    }
  }

  /// Listeners, token and limits from the flags, falling back to the config's `server` section.
  private func serverConfiguration(_ context: CommandContext) throws -> ServerConfiguration {
    let arguments = context.arguments
    let section = context.config.server
    var listeners: [Endpoint] = []
    let tcp = arguments.value("tcp"), unix = arguments.value("unix")
    let fromFlags = tcp != nil || unix != nil
    if let address = fromFlags ? tcp : section.tcp {
      let endpoint = try parse(address.hasPrefix("tcp://") ? address : "tcp://" + address, "--tcp")
      listeners.append(endpoint)
    }
    if let path = fromFlags ? unix : section.unix {
      guard !path.isEmpty else { throw UsageError(description: "--unix needs a path") }
      listeners.append(.unix(path: path))
    }
    guard !listeners.isEmpty else {
      throw UsageError(description: "nothing to listen on: give --tcp or --unix (the config disables both)")
    }
    if arguments.value("token")?.isEmpty == true { throw UsageError(description: "--token must not be empty") }
    let token =
      arguments.value("token")
      ?? ProcessInfo.processInfo.environment["DRP_SERVER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    var limits = ServerLimits()
    limits.maxLineBytes = section.maxLineBytes
    limits.maxConnections = section.maxConnections
    limits.maxConcurrentBackground = section.maxInFlight
    limits.idleTimeout = section.idleTimeoutS > 0 ? .milliseconds(Int64(section.idleTimeoutS * 1000)) : nil
    guard (0...1_000_000).contains(section.busyPollUs) else {
      throw UsageError(description: "server.busy_poll_us must be between 0 and 1000000, got \(section.busyPollUs)")
    }
    limits.busyPoll = .microseconds(section.busyPollUs)
    guard (0...60_000).contains(section.authFailureDelayMs), (1...1000).contains(section.maxAuthFailures) else {
      throw UsageError(
        description: "server.auth_failure_delay_ms must be in 0...60000 and server.max_auth_failures in 1...1000")
    }
    limits.authFailureDelay = .milliseconds(section.authFailureDelayMs)
    limits.maxAuthFailures = section.maxAuthFailures
    return ServerConfiguration(
      listeners: listeners, allowRemote: arguments.flag("allow-remote"), token: token, limits: limits)
  }

  private func parse(_ address: String, _ option: String) throws -> Endpoint {
    do {
      return try Endpoint(parsing: address)
    } catch {
      throw UsageError(description: "\(option): \(error)")
    }
  }

  private func logLevel(_ name: String) throws -> Logger.Level {
    let levels: [String: Logger.Level] = ["debug": .debug, "info": .info, "warning": .warning, "error": .error]
    guard let level = levels[name] else {
      throw UsageError(description: "--log-level expects debug, info, warning or error, got '\(name)'")
    }
    return level
  }

  /// Prints where the server listens (flushed at once: scripts and tests wait for these lines).
  private func announce(_ endpoints: [Endpoint], _ context: CommandContext) {
    var members: [String: JSONValue] = [:]
    var lines: [String] = []
    for endpoint in endpoints {
      switch endpoint {
      case .tcp(let host, let port):
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        members["tcp"] = .string(address)
        lines.append("listening tcp \(address)")
      case .unix(let path):
        members["unix"] = .string(path)
        lines.append("listening unix \(path)")
      }
    }
    context.stdout.line(context.json ? JSONWriter.string(.object(members)) : lines.joined(separator: "\n"))
  }
}

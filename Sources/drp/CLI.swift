import DRPCore
import Foundation

/// Top-level driver: global options, command dispatch, exit statuses.
enum CLI {
  static let usage = """
    usage: drp [--home DIR] [--config FILE] <command> [options]

    Global options (before the command):
      --home DIR      data directory (env DRP_HOME; default index/)
      --config FILE   configuration file (env DRP_CONFIG; default config/drp.json if present)

    Commands:
    \(CommandRegistry.all.map { "  " + $0.name.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

    Run `drp <command> --help` for a command's options.
    """

  /// Runs `drp` with `arguments` (without the program name) and returns the exit status.
  static func run(_ arguments: [String], environment: [String: String]) -> Int32 {
    let stdout = TextOutput(FileHandle.standardOutput)
    let stderr = TextOutput(FileHandle.standardError)
    var rest = arguments[...]
    var home: String?
    var configFile: String?
    do {
      while let first = rest.first, first.hasPrefix("-") {
        rest = rest.dropFirst()
        switch first {
        case "-h", "--help":
          stdout.line(usage)
          return 0
        case "--home", "--config":
          guard let value = rest.first else { throw UsageError(description: "option \(first) needs a value") }
          rest = rest.dropFirst()
          if first == "--home" { home = value } else { configFile = value }
        case _ where first.hasPrefix("--home="): home = String(first.dropFirst("--home=".count))
        case _ where first.hasPrefix("--config="): configFile = String(first.dropFirst("--config=".count))
        default: throw UsageError(description: "unknown global option \(first)")
        }
      }
    } catch {
      stderr.line("drp: \(error)\n\n\(usage)")
      return 2
    }
    guard let name = rest.first else {
      stderr.line(usage)
      return 2
    }
    guard let command = CommandRegistry.command(named: name) else {
      stderr.line("drp: unknown command '\(name)'\n\n\(usage)")
      return 2
    }
    do {
      let parsed = try ParsedArguments(Array(rest.dropFirst()), options: command.options)
      if parsed.flag("help") {
        stdout.line(command.usage)
        return 0
      }
      var config = try DRPConfig.load(file: configFile, environment: environment)
      if let home { config.home = home }
      let context = CommandContext(arguments: parsed, config: config, stdout: stdout, stderr: stderr)
      try command.run(context)
      return 0
    } catch let error as UsageError {
      stderr.line("drp \(name): \(error)\n\n\(command.usage)")
      return 2
    } catch {
      stderr.line("drp: error: \(error)")
      return 1
    }
  }
}

import DRPCore
import DRPStore
import Foundation

/// What a running command gets: its arguments, the configuration, the home directory, output
/// streams and the store (opened on first use).
final class CommandContext {
  /// The command's parsed arguments.
  let arguments: ParsedArguments
  /// Configuration after file, environment and global flags.
  let config: DRPConfig
  /// Standard output: results only.
  let stdout: TextOutput
  /// Standard error: progress and logs.
  let stderr: TextOutput
  private var openedStore: ReviewStore?

  /// Creates a context.
  init(arguments: ParsedArguments, config: DRPConfig, stdout: TextOutput, stderr: TextOutput) {
    self.arguments = arguments
    self.config = config
    self.stdout = stdout
    self.stderr = stderr
  }

  /// The data directory (`--home`, `DRP_HOME`, config `home`, default `index`).
  var home: String { config.home }

  /// Whether `--json` was given.
  var json: Bool { arguments.flag("json") }

  /// The review store of the home directory, opened (and created) on first use.
  /// - Throws: when the database cannot be opened.
  func store() throws -> ReviewStore {
    if let openedStore { return openedStore }
    let store = try ReviewStore(home: home, busyTimeoutMs: config.store.busyTimeoutMs)
    openedStore = store
    return store
  }

  /// Prints `value` as one JSON document (sorted keys) on standard output.
  /// - Throws: encoding errors.
  func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    stdout.line(String(decoding: try encoder.encode(value), as: UTF8.self))
  }
}

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

  /// The review store of the home directory, opened on first use. Only commands that fill a home
  /// (`import`, `index build`) pass `creating`; every other command refuses a home without a store
  /// instead of creating an empty one (a mistyped `--home` would otherwise report zeros).
  /// - Throws: `RuntimeError` when there is no store and `creating` is false; database errors.
  func store(creating: Bool = false) throws -> ReviewStore {
    if let openedStore { return openedStore }
    try requireStore(creating: creating)
    let store = try ReviewStore(home: home, busyTimeoutMs: config.store.busyTimeoutMs)
    openedStore = store
    return store
  }

  /// Throws unless the home holds a store or the command may create one.
  func requireStore(creating: Bool) throws {
    guard creating || ReviewStore.exists(home: home) else {
      throw RuntimeError(description: "no drp store at \(home) (run `drp import` first)")
    }
  }

  /// Prints `value` as one JSON document (sorted keys) on standard output.
  /// - Throws: encoding errors.
  func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    stdout.line(String(decoding: try encoder.encode(value), as: UTF8.self))
  }
}

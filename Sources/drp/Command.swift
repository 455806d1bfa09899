/// An option a command accepts: `--name value` / `--name=value` / `-s value`, or a boolean `--name`.
struct OptionSpec: Sendable {
  /// Long name without dashes.
  var name: String
  /// Single-letter alias, if any.
  var short: Character?
  /// Whether the option takes a value.
  var takesValue: Bool

  /// A value option.
  static func value(_ name: String, short: Character? = nil) -> OptionSpec {
    OptionSpec(name: name, short: short, takesValue: true)
  }

  /// A boolean flag.
  static func flag(_ name: String, short: Character? = nil) -> OptionSpec {
    OptionSpec(name: name, short: short, takesValue: false)
  }

  /// `--json`, accepted by every command that prints results.
  static let json = flag("json")
}

/// A `drp` sub-command. Adding one: write `Commands/<Name>Command.swift` conforming to this
/// protocol and list it in `CommandRegistry.all`.
protocol Command: Sendable {
  /// The word that selects the command (`drp <name> ...`).
  var name: String { get }
  /// One line for `drp help`.
  var summary: String { get }
  /// Full usage text printed by `--help` and on usage errors.
  var usage: String { get }
  /// Options accepted (`--help`/`-h` are implicit).
  var options: [OptionSpec] { get }
  /// Runs the command; throw `UsageError` for bad arguments, any other error for failures.
  func run(_ context: CommandContext) throws
}

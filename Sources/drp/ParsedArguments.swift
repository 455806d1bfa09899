/// Command-line arguments parsed against a command's `OptionSpec`s.
struct ParsedArguments {
  /// Values of value options, in order of appearance (repeatable).
  private(set) var values: [String: [String]] = [:]
  /// Boolean flags present.
  private(set) var flags: Set<String> = []
  /// Positional arguments.
  private(set) var positionals: [String] = []

  /// Parses `arguments`: `--x value`, `--x=value`, `-k 5`, boolean `--flag`, positionals, and `--`
  /// ending options. `--help`/`-h` are always accepted (as the flag `help`).
  /// - Throws: `UsageError` for an unknown option, a missing value, or a value given to a flag.
  init(_ arguments: [String], options: [OptionSpec]) throws {
    let all = options + [.flag("help", short: "h")]
    var index = 0
    var optionsEnded = false
    while index < arguments.count {
      let arg = arguments[index]
      index += 1
      if optionsEnded || arg == "-" || !arg.hasPrefix("-") || Double(arg) != nil {
        positionals.append(arg)
        continue
      }
      if arg == "--" {
        optionsEnded = true
        continue
      }
      var name: String
      var inline: String?
      if arg.hasPrefix("--") {
        name = String(arg.dropFirst(2))
        if let eq = name.firstIndex(of: "=") {
          inline = String(name[name.index(after: eq)...])
          name = String(name[..<eq])
        }
      } else {
        name = String(arg.dropFirst())
      }
      let spec = all.first { arg.hasPrefix("--") ? $0.name == name : ($0.short.map(String.init) == name) }
      guard let spec else { throw UsageError(description: "unknown option \(arg)") }
      if spec.takesValue {
        let value: String
        if let inline {
          value = inline
        } else {
          guard index < arguments.count else { throw UsageError(description: "option --\(spec.name) needs a value") }
          value = arguments[index]
          index += 1
        }
        values[spec.name, default: []].append(value)
      } else {
        guard inline == nil else { throw UsageError(description: "option --\(spec.name) takes no value") }
        flags.insert(spec.name)
      }
    }
  }

  /// Whether boolean flag `name` was given.
  func flag(_ name: String) -> Bool { flags.contains(name) }

  /// The last value of option `name`, if given.
  func value(_ name: String) -> String? { values[name]?.last }

  /// Option `name` as an integer within `range`, or `defaultValue` when absent.
  /// - Throws: `UsageError` when the value is not an integer in range.
  func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int> = 0...Int.max) throws -> Int {
    guard let text = value(name) else { return defaultValue }
    guard let n = Int(text), range.contains(n) else {
      throw UsageError(
        description: "--\(name) expects an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
    }
    return n
  }
}

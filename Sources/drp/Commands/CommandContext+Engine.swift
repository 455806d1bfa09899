import DRPEngine

extension CommandContext {
  /// Opens the engine of the home directory (store and user index).
  /// - Parameters:
  ///   - indexLoading: `.discard` for commands that rebuild a possibly corrupt index.
  ///   - creating: whether the command may create the store (`index build` only).
  /// - Throws: `RuntimeError` for a home without a store; store errors, or the engine's error for a
  ///   corrupt index file.
  func engine(indexLoading: Engine.IndexLoading = .require, creating: Bool = false) throws -> Engine {
    try requireStore(creating: creating)
    return try Engine(home: home, config: config, indexLoading: indexLoading)
  }

  /// The single positional argument `what` of a command.
  /// - Throws: `UsageError` when it is missing or followed by more.
  func singlePositional(_ what: String) throws -> String {
    let positionals = arguments.positionals
    guard let first = positionals.first else { throw UsageError(description: "missing \(what)") }
    guard positionals.count == 1 else {
      throw UsageError(description: "unexpected argument '\(positionals[1])'")
    }
    return first
  }
}

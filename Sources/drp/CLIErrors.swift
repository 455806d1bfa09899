/// Bad command-line arguments: exit status 2, the message and the usage text on stderr.
struct UsageError: Error, CustomStringConvertible {
  /// What is wrong with the arguments.
  var description: String
}

/// A failure while running a command: exit status 1 with `drp: error: <message>`.
struct RuntimeError: Error, CustomStringConvertible {
  /// What went wrong, for the user.
  var description: String
}

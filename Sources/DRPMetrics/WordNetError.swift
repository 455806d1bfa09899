// Errors of the WordNet database reader.

/// Why a WordNet database directory could not be loaded, with a message a user understands.
public enum WordNetError: Error, CustomStringConvertible, Equatable {
  /// A file the reader needs is missing or unreadable.
  case unreadableFile(path: String)
  /// A line of a database file does not have WordNet's format.
  case malformedLine(path: String, line: Int, reason: String)

  /// A readable description of the problem.
  public var description: String {
    switch self {
    case .unreadableFile(let path):
      return
        "cannot read WordNet file \(path) (install Debian's wordnet-base, or point DRP_WORDNET_DIR at a WordNet 3.0 dict directory)"
    case .malformedLine(let path, let line, let reason):
      return "WordNet file \(path), line \(line): \(reason)"
    }
  }
}

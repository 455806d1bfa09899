/// Errors from `VectorFileReader`, naming the file and what is wrong with it.
public struct VectorFileError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file being read.
  public var path: String
  /// What is wrong, e.g. "row 3 has dimension 5, expected 4".
  public var reason: String

  /// Creates an error.
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "cannot read vectors from \(path): \(reason)" }
}

/// Errors from `VectorFileReader` and `VectorFileWriter`, naming the file and what is wrong.
public struct VectorFileError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file being read or written.
  public var path: String
  /// What is wrong, e.g. "row 3 has dimension header 5 but row 0 has 4".
  public var reason: String
  /// Whether the file was being written (else read).
  public var writing: Bool

  /// Creates an error.
  public init(path: String, reason: String, writing: Bool = false) {
    self.path = path
    self.reason = reason
    self.writing = writing
  }

  /// A message for users.
  public var description: String { "cannot \(writing ? "write vectors to" : "read vectors from") \(path): \(reason)" }
}

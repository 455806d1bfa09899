import Foundation

/// Errors thrown by `VectorIndex`: wrong input, corrupt or unreadable index files.
public enum IndexError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A vector or query has a different length than the index dimension.
  case dimensionMismatch(expected: Int, actual: Int)
  /// The dimension given to `init` is not positive.
  case invalidDimension(Int)
  /// A vector is all zeros (or contains NaN/infinity) and cannot be L2-normalised.
  case invalidVector(id: String, reason: String)
  /// `k` must be at least 1.
  case invalidK(Int)
  /// A `CandidateBitmap` was built before the last `compact()` and no longer matches the rows.
  case staleBitmap
  /// An index file is shorter (or longer) than its header says: truncated or overwritten.
  case truncatedFile(path: String, expectedBytes: Int, actualBytes: Int)
  /// The file does not start with the index magic bytes.
  case badMagic(path: String)
  /// The file format version is not one this build reads.
  case unsupportedVersion(path: String, version: UInt32)
  /// A header field is inconsistent.
  case corruptHeader(path: String, reason: String)
  /// A checksum over part of the file does not match: the file is corrupt.
  case checksumMismatch(path: String, section: String)
  /// A system call failed.
  case io(path: String, operation: String, errno: Int32)

  public var description: String {
    switch self {
    case .dimensionMismatch(let expected, let actual):
      return "vector has dimension \(actual) but the index has dimension \(expected)"
    case .invalidDimension(let d):
      return "index dimension must be positive, got \(d)"
    case .invalidVector(let id, let reason):
      return "vector for id '\(id)' cannot be indexed: \(reason)"
    case .invalidK(let k):
      return "k must be at least 1, got \(k)"
    case .staleBitmap:
      return "candidate bitmap was built before the index was compacted; build it again"
    case .truncatedFile(let path, let expected, let actual):
      return "index file \(path) has \(actual) bytes but its header needs \(expected): the file is truncated or damaged"
    case .badMagic(let path):
      return "\(path) is not a drp vector index file (bad magic bytes)"
    case .unsupportedVersion(let path, let version):
      return "index file \(path) has format version \(version); this build reads version \(IndexFile.version)"
    case .corruptHeader(let path, let reason):
      return "index file \(path) has a corrupt header: \(reason)"
    case .checksumMismatch(let path, let section):
      return "index file \(path) is corrupt: checksum of the \(section) does not match"
    case .io(let path, let operation, let code):
      return "\(operation) failed for \(path): \(String(cString: strerror(code)))"
    }
  }
}

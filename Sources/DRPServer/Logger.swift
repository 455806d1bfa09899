// A small leveled logger writing one line per event to standard error.
import Foundation

/// Writes `time level message key=value…` lines at or above a threshold. Each line is written
/// with a single call so lines from different threads do not interleave.
public struct Logger: Sendable {
  /// Severity, lowest first.
  public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
    /// Per-request detail.
    case debug
    /// Start, stop, listeners.
    case info
    /// Failed requests and recoverable problems.
    case warning
    /// Faults.
    case error

    /// Orders by severity.
    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The lowercase name.
    public var description: String {
      switch self {
      case .debug: return "debug"
      case .info: return "info"
      case .warning: return "warning"
      case .error: return "error"
      }
    }
  }

  /// Lines below this level are dropped.
  public var level: Level
  private let output: @Sendable (String) -> Void

  /// Creates a logger; by default lines go to standard error.
  public init(level: Level = .info, output: @escaping @Sendable (String) -> Void = Logger.writeToStandardError) {
    self.level = level
    self.output = output
  }

  /// Writes `line` to file descriptor 2 in one call.
  public static func writeToStandardError(_ line: String) {
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
  }

  /// A logger that drops everything.
  public static let silent = Logger(level: .error, output: { _ in })

  /// Logs `message` with `fields` when `messageLevel` is at or above the threshold.
  public func log(
    _ messageLevel: Level, _ message: @autoclosure () -> String, _ fields: KeyValuePairs<String, String> = [:]
  ) {
    guard messageLevel >= level else { return }
    var line = "\(Date().formatted(.iso8601)) \(messageLevel) \(message())"
    for (key, value) in fields {
      let quoted =
        value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
        ? "\"\(value.replacingOccurrences(of: "\"", with: "'"))\"" : value
      line += " \(key)=\(quoted)"
    }
    output(line + "\n")
  }
}

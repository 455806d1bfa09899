// Progress of an evaluation, reported after every sample.
import DRPReasoning

/// Where an evaluation stands after one sample: printed on stderr by `drp eval`.
public struct EvalProgress: Sendable, Equatable {
  /// 1-based position of the current user.
  public var userIndex: Int
  /// Users evaluated in all.
  public var userCount: Int
  /// The current user.
  public var user: String
  /// The mode just finished.
  public var mode: PipelineMode
  /// Samples finished (generated or reused), including this one.
  public var done: Int
  /// Samples in the whole run.
  public var total: Int
  /// Whether this sample came from the checkpoint.
  public var reused: Bool
  /// Seconds since the run started.
  public var elapsed: Double
  /// Estimated seconds left (wall time per generated sample so far × samples still to generate);
  /// nil before the first generation.
  public var eta: Double?
  /// Samples being generated now (nil when the run generates one at a time).
  public var running: Int?
  /// LLM requests in flight now, when known.
  public var llmInFlight: Int?

  /// Creates a report.
  public init(
    userIndex: Int, userCount: Int, user: String, mode: PipelineMode, done: Int, total: Int, reused: Bool,
    elapsed: Double, eta: Double?, running: Int? = nil, llmInFlight: Int? = nil
  ) {
    self.userIndex = userIndex
    self.userCount = userCount
    self.user = user
    self.mode = mode
    self.done = done
    self.total = total
    self.reused = reused
    self.elapsed = elapsed
    self.eta = eta
    self.running = running
    self.llmInFlight = llmInFlight
  }

  /// One line: `eval: user 3/10 (U1) drp: 12/40 samples, elapsed 0:34, ETA 1:20`, then (when
  /// known) `, 8 generating, 14 LLM requests in flight`.
  public var line: String {
    let status = reused ? " (saved)" : ""
    let eta = self.eta.map { ", ETA \(Self.clock($0))" } ?? ""
    let running = self.running.map { ", \($0) generating" } ?? ""
    let inFlight = llmInFlight.map { ", \($0) LLM request\($0 == 1 ? "" : "s") in flight" } ?? ""
    return "eval: user \(userIndex)/\(userCount) (\(user)) \(mode)\(status): \(done)/\(total) samples, "
      + "elapsed \(Self.clock(elapsed))\(eta)\(running)\(inFlight)"
  }

  /// `m:ss`, or `h:mm:ss` from an hour on.
  static func clock(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
    let mmss = "\(minutes < 10 && hours > 0 ? "0" : "")\(minutes):\(secs < 10 ? "0" : "")\(secs)"
    return hours > 0 ? "\(hours):\(mmss)" : mmss
  }
}

import Foundation

/// The LLM budget of one pipeline run, per stage (`extract`, `validate`, `synthesize`, `generate`).
public struct PipelineStats: Codable, Hashable, Sendable {
  /// Stage name → its counts; stages that made no call and had no cache hit are absent.
  public var stages: [String: StageStats]

  /// Creates stats.
  public init(stages: [String: StageStats] = [:]) { self.stages = stages }

  /// All stages together.
  public var total: StageStats { stages.values.reduce(StageStats(), +) }

  /// Stage-wise sum of two records.
  public static func + (a: PipelineStats, b: PipelineStats) -> PipelineStats {
    PipelineStats(stages: a.stages.merging(b.stages, uniquingKeysWith: +))
  }

  /// One line per stage plus a total, e.g. `extract: 4 calls, 2 cached, 1 failed, 812+96 tokens`
  /// (and `, 1 cut off at max_tokens` when an answer stopped there).
  public var report: String {
    let lines = stages.sorted { $0.key < $1.key }.map { Self.line($0.key, $0.value) }
    return (lines + [Self.line("total", total)]).joined(separator: "\n")
  }

  private static func line(_ name: String, _ s: StageStats) -> String {
    "\(name): \(s.calls) calls, \(s.cacheHits) cached, \(s.failures) failed, "
      + "\(s.promptTokens)+\(s.completionTokens) tokens"
      + (s.truncated > 0 ? ", \(s.truncated) cut off at max_tokens" : "")
  }
}

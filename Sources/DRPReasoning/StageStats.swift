import Foundation

/// What one pipeline stage cost: LLM calls made, cache hits, failed attempts and tokens.
public struct StageStats: Codable, Hashable, Sendable {
  /// Calls sent to a model (cache hits excluded).
  public var calls = 0
  /// Replies served from the cache.
  public var cacheHits = 0
  /// Attempts whose reply could not be used (truncated, empty, unparseable, transport error).
  public var failures = 0
  /// Prompt tokens reported for the calls.
  public var promptTokens = 0
  /// Completion tokens reported for the calls.
  public var completionTokens = 0
  /// Answers (new or cached) that stopped at `max_tokens` (`finish_reason: length`), whether they
  /// were used or rejected: a generation cut off this way is shorter than the model meant it.
  public var truncated = 0

  /// Zero counts.
  public init() {}

  /// Prompt and completion tokens together.
  public var tokens: Int { promptTokens + completionTokens }

  /// The sum of two records.
  public static func + (a: StageStats, b: StageStats) -> StageStats {
    var s = a
    s.calls += b.calls
    s.cacheHits += b.cacheHits
    s.failures += b.failures
    s.promptTokens += b.promptTokens
    s.completionTokens += b.completionTokens
    s.truncated += b.truncated
    return s
  }

  private enum CodingKeys: String, CodingKey {
    case calls, failures, truncated
    case cacheHits = "cache_hits"
    case promptTokens = "prompt_tokens"
    case completionTokens = "completion_tokens"
  }

  /// Decodes counts; `truncated` may be absent (records written before it existed).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    calls = try c.decode(Int.self, forKey: .calls)
    cacheHits = try c.decode(Int.self, forKey: .cacheHits)
    failures = try c.decode(Int.self, forKey: .failures)
    promptTokens = try c.decode(Int.self, forKey: .promptTokens)
    completionTokens = try c.decode(Int.self, forKey: .completionTokens)
    truncated = try c.decodeIfPresent(Int.self, forKey: .truncated) ?? 0
  }
}

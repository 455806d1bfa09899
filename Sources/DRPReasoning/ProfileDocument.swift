// The profile document: what `drp profile --json` prints and the `profile` method returns.
import Foundation

/// The JSON document of a built (or reused) profile, one shape for the CLI's `drp profile --json`
/// and the server's `profile` method: `dimensions` (`name`, `definition`, `description`,
/// `evidence`, `support`), `summary`, `mode`, `target` (null for a per-user profile),
/// `differences`, `provenance`, `stats`, `failures` and `reused`.
public struct ProfileDocument: Encodable, Sendable {
  /// The profile's dimensions, without their sources.
  var dimensions: [DifferenceProfile.CompactDimension]
  /// The profile's summary.
  public var summary: String
  /// The pipeline mode that built it.
  public var mode: PipelineMode
  /// The target item, nil for a per-user profile (encoded as `null`).
  public var target: String?
  /// The model's difference texts per key item.
  public var differences: [KeyItemDifference]
  /// Models and options that built it.
  public var provenance: ProfileProvenance
  /// LLM calls and tokens per stage of this request.
  public var stats: PipelineStats
  /// Unusable answers met on the way.
  public var failures: [PipelineFailure]
  /// Whether the stored profile was reused.
  public var reused: Bool

  /// The document of `result`.
  public init(_ result: ProfileResult) {
    let profile = result.profile
    dimensions = profile.dimensions.map(DifferenceProfile.CompactDimension.init)
    summary = profile.summary
    mode = profile.mode
    target = profile.target
    differences = profile.differences
    provenance = profile.provenance
    stats = result.stats
    failures = result.failures
    reused = result.reused
  }

  private enum CodingKeys: String, CodingKey {
    case dimensions, summary, mode, target, differences, provenance, stats, failures, reused
  }

  /// Encodes every key; `target` is `null` for a per-user profile.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(dimensions, forKey: .dimensions)
    try c.encode(summary, forKey: .summary)
    try c.encode(mode, forKey: .mode)
    try c.encode(target, forKey: .target)
    try c.encode(differences, forKey: .differences)
    try c.encode(provenance, forKey: .provenance)
    try c.encode(stats, forKey: .stats)
    try c.encode(failures, forKey: .failures)
    try c.encode(reused, forKey: .reused)
  }
}

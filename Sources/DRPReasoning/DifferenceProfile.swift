import DRPCore
import Foundation

/// Where a difference profile came from, so it can be reproduced and invalidated.
public struct ProfileProvenance: Codable, Hashable, Sendable {
  /// Ids of the key items the profile was derived from.
  public var keyItems: [String]
  /// Ids of the peers whose reviews were compared.
  public var peerIDs: [String]
  /// Model names used (reasoning, validation, synthesis), or `["statistical"]`.
  public var models: [String]
  /// Prompt template names with versions, e.g. `extract_differences.v1`.
  public var promptVersions: [String]
  /// Creation time, Unix seconds.
  public var created: Int64

  /// Creates a provenance record.
  public init(
    keyItems: [String] = [], peerIDs: [String] = [], models: [String] = [], promptVersions: [String] = [],
    created: Int64 = 0
  ) {
    self.keyItems = keyItems
    self.peerIDs = peerIDs
    self.models = models
    self.promptVersions = promptVersions
    self.created = created
  }
}

/// The differences found on one key item, as the model wrote them (the paper preset's profile
/// works from these texts, not from parsed dimensions).
public struct KeyItemDifference: Codable, Hashable, Sendable {
  /// The key item.
  public var itemID: String
  /// The extraction answer (the difference description passed on).
  public var text: String
  /// The validation answer, when validation ran.
  public var validated: String?

  /// Creates a record.
  public init(itemID: String, text: String, validated: String? = nil) {
    self.itemID = itemID
    self.text = text
    self.validated = validated
  }
}

/// How a user differs from comparable peers: the input that personalises generation.
public struct DifferenceProfile: Codable, Hashable, Sendable {
  /// The profiled user.
  public var userID: String
  /// The pipeline mode that produced the profile (`dpl` or `drp`; `drp` for the statistical analyser).
  public var mode: PipelineMode
  /// Dimensions ranked by support (strongest first).
  public var dimensions: [DifferenceDimension]
  /// A short natural-language summary of the profile.
  public var summary: String
  /// Inputs, models and prompt versions behind the profile.
  public var provenance: ProfileProvenance
  /// True when the user's data changed after the profile was built.
  public var stale: Bool
  /// The model's difference texts per key item (the paper preset; empty for drp's JSON profiles).
  public var differences: [KeyItemDifference]
  /// The target item the profile was built for (nil for a per-user profile).
  public var target: String?

  /// Creates a profile.
  public init(
    userID: String, mode: PipelineMode, dimensions: [DifferenceDimension], summary: String,
    provenance: ProfileProvenance = ProfileProvenance(), stale: Bool = false, differences: [KeyItemDifference] = [],
    target: String? = nil
  ) {
    self.userID = userID
    self.mode = mode
    self.dimensions = dimensions
    self.summary = summary
    self.provenance = provenance
    self.stale = stale
    self.differences = differences
    self.target = target
  }

  private enum CodingKeys: String, CodingKey {
    case userID, mode, dimensions, summary, provenance, stale, differences, target
  }

  /// Decodes a profile; `differences` and `target` may be absent (profiles stored before them).
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    userID = try c.decode(String.self, forKey: .userID)
    mode = try c.decode(PipelineMode.self, forKey: .mode)
    dimensions = try c.decode([DifferenceDimension].self, forKey: .dimensions)
    summary = try c.decode(String.self, forKey: .summary)
    provenance = try c.decode(ProfileProvenance.self, forKey: .provenance)
    stale = try c.decode(Bool.self, forKey: .stale)
    differences = try c.decodeIfPresent([KeyItemDifference].self, forKey: .differences) ?? []
    target = try c.decodeIfPresent(String.self, forKey: .target)
  }

  /// A dimension without `sources`: the shape the CLI prints and the prompts show.
  struct CompactDimension: Encodable {
    var name, definition, description: String
    var evidence: [String]
    var support: Int

    init(_ d: DifferenceDimension) {
      (name, definition, description, evidence, support) = (d.name, d.definition, d.description, d.evidence, d.support)
    }
  }

  private struct CLIShape: Encodable {
    var dimensions: [CompactDimension]
    var summary: String
  }

  /// Encodes the profile in the CLI's compact JSON shape with sorted keys (stable across runs):
  /// `{"dimensions":[{"definition","description","evidence","name","support"}…],"summary":…}`.
  public func cliJSON(prettyPrinted: Bool = false) throws -> Data {
    try Self.sortedJSON(CLIShape(dimensions: dimensions.map(CompactDimension.init), summary: summary), prettyPrinted)
  }

  /// Sorted-key JSON without escaped slashes.
  static func sortedJSON<T: Encodable>(_ value: T, _ prettyPrinted: Bool) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting =
      prettyPrinted ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }

  /// Renders the profile as the plain-text block that generation prompts embed.
  public func promptText(maxDimensions: Int = 12) -> String {
    var lines: [String] = []
    for (i, d) in dimensions.prefix(maxDimensions).enumerated() {
      var line = "\(i + 1). \(d.name)"
      if !d.definition.isEmpty { line += " (\(d.definition))" }
      line += ": \(d.description)"
      if !d.evidence.isEmpty {
        line += " Evidence: " + d.evidence.prefix(4).map { "\"\($0)\"" }.joined(separator: ", ")
      }
      lines.append(line)
    }
    if !summary.isEmpty { lines.append("Summary: \(summary)") }
    return lines.joined(separator: "\n")
  }
}

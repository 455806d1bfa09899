import Foundation

/// One way in which the target user writes differently from comparable peers.
public struct DifferenceDimension: Codable, Hashable, Sendable {
  /// Short name, e.g. "Writing style" or "Exclamation habit".
  public var name: String
  /// What the dimension measures, independent of this user.
  public var definition: String
  /// How this user differs on it (direction and, where known, numbers).
  public var description: String
  /// Quoted phrases or review ids supporting the claim.
  public var evidence: [String]
  /// How many key items (or samples, before cross-item merging) support the dimension.
  public var support: Int
  /// Ids of the key items the dimension was found on.
  public var sources: [String]

  /// Creates a dimension.
  public init(
    name: String, definition: String, description: String, evidence: [String] = [], support: Int = 1,
    sources: [String] = []
  ) {
    self.name = name
    self.definition = definition
    self.description = description
    self.evidence = evidence
    self.support = support
    self.sources = sources
  }

  private enum CodingKeys: String, CodingKey {
    case name, definition, description, evidence, support, sources
  }

  /// Decodes leniently: only `name` is required; missing fields get empty defaults.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    name = try c.decode(String.self, forKey: .name)
    definition = try c.decodeIfPresent(String.self, forKey: .definition) ?? ""
    description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
    evidence = try c.decodeIfPresent([String].self, forKey: .evidence) ?? []
    support = try c.decodeIfPresent(Int.self, forKey: .support) ?? 1
    sources = try c.decodeIfPresent([String].self, forKey: .sources) ?? []
  }
}

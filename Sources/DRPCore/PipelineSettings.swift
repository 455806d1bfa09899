// Enumerated pipeline settings shared by the configuration file, the CLI flags and request params.

/// Which pipeline a run follows: drp's own (the default) or the DRP authors' released one.
public enum PipelinePreset: String, Codable, CaseIterable, Sendable {
  /// drp's pipeline: validated dimensions with evidence, JSON answers with a text fallback,
  /// truncation detection and retries, BM25 over drp's word tokens, peers filled up to the count.
  case drp
  /// The released DRP pipeline as `../shared/PAPER-PIPELINE.md` describes it: BM25Okapi key samples
  /// over whitespace tokens, k-means peers without fill-up, free-text discovery with the three base
  /// dimensions, validation recorded but not used, a summary written by the generator model from
  /// the raw differences and 8 past reviews, generation from the summary only; temperature 0,
  /// top_p 0.95, seed 42, 4096 tokens.
  case paper

  /// The accepted values for messages: `drp, paper`.
  public static let valueList = allCases.map(\.rawValue).joined(separator: ", ")
}

/// What a difference profile is built for.
public enum ProfileScope: String, Codable, CaseIterable, Sendable {
  /// For one (user, target item) pair: the key samples are the history items most relevant to the
  /// target (the paper's method; the default).
  case target
  /// One profile per user, reused for every target: the key samples are the history items with
  /// the most other reviewers.
  case user

  /// The accepted values for messages: `target, user`.
  public static let valueList = allCases.map(\.rawValue).joined(separator: ", ")
}

/// What the reflective validation pass does. `true`/`false` in JSON mean `use`/`off`.
public enum ValidationMode: String, Codable, CaseIterable, Sendable, ExpressibleByBooleanLiteral {
  /// Validate the discovered differences and build the profile from the validated ones.
  case use
  /// Validate and keep the result in the profile, but build the profile from the unvalidated
  /// differences (what the released DRP code does).
  case record
  /// No validation call.
  case off

  /// `true` is `use`, `false` is `off`.
  public init(booleanLiteral value: Bool) { self = value ? .use : .off }

  /// Whether the validation call runs.
  public var runs: Bool { self != .off }

  /// The accepted values for messages: `use, record, off` (or true/false).
  public static let valueList = allCases.map(\.rawValue).joined(separator: ", ")

  /// Decodes `use`, `record`, `off`, `true` or `false`.
  /// - Throws: `DecodingError.dataCorrupted` naming the accepted values.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let flag = try? container.decode(Bool.self) {
      self = flag ? .use : .off
      return
    }
    let text = try container.decode(String.self)
    guard let value = ValidationMode(rawValue: text) else {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: decoder.codingPath,
          debugDescription: "validation: expected one of \(Self.valueList) (or true/false), got '\(text)'"))
    }
    self = value
  }
}

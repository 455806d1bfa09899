import DRPCore
import Foundation

/// Every knob of one profile or generation run. Defaults come from the configuration's `pipeline`
/// section (`init(config:)`; `structuredOutput` from the `reasoner` section, see
/// `Engine.pipelineOptions()`); callers override single fields per call, from command-line flags
/// or from a JSON object (`applying(_:)`, also used by `Decodable`).
///
/// JSON keys (all optional): `mode`, `preset`, `profile_scope`, `extractor_model`,
/// `summarizer_model`, `generator_model`, `thinking_budget`, `samples`, `validation`, `key_samples`,
/// `min_other_reviewers`, `peers`, `strategy`, `history`, `max_tokens`, `temperature`, `top_p`,
/// `seed`, `retries`, `prompt_budget`, `structured_output`. A `preset` is applied first (see
/// `PipelinePreset`), the other keys on top of it.
public struct PipelineOptions: Codable, Hashable, Sendable {
  /// Which parts of the pipeline run.
  public var mode: PipelineMode = .drp
  /// The pipeline followed: drp's or the authors' released one (`paper`).
  public var preset: PipelinePreset = .drp
  /// Profiles per (user, target item) or one per user.
  public var profileScope: ProfileScope = .target
  /// Model name for the reasoning stages (nil: the reasoner endpoint's model).
  public var extractorModel: String?
  /// Model name for generation (nil: the llm endpoint's model).
  public var generatorModel: String?
  /// Model name for the profile summary (nil: the summarizer endpoint's model).
  public var summarizerModel: String?
  /// Token budget of each reasoning call (its `max_tokens`, reasoning and answer together).
  public var thinkingBudget: Int = 1024
  /// Extractions per key sample (self-consistency); dimensions need ceil(N/2) of them.
  public var samples: Int = 1
  /// What mode `drp`'s reflective validation pass does (`use`, `record`, `off`).
  public var validation: ValidationMode = .use
  /// Key samples K compared with peers.
  public var keySamples: Int = 8
  /// Other reviewers a history item needs to be a key sample.
  public var minOtherReviewers: Int = 4
  /// Peers per key sample.
  public var peers: Int = 4
  /// Peer selection strategy name.
  public var strategy: String = "representative"
  /// Past reviews shown to the generator.
  public var history: Int = 8
  /// `max_tokens` of a generation.
  public var maxTokens: Int = 1024
  /// Sampling temperature of every call.
  public var temperature: Double = 0.7
  /// Nucleus sampling `top_p` of every call (nil: not sent, the server's default).
  public var topP: Double?
  /// The seed of every call's first attempt (nil: 0); self-consistency sample `s` and retry `a`
  /// use `seed + s + 1000·a`.
  public var seed: Int?
  /// Estimated token budget of every prompt: longer reviews are shortened, then peers dropped.
  public var promptBudget: Int = 6000
  /// Extra attempts after a failed reasoning call (truncated, empty or unparseable answer).
  public var retries: Int = 2
  /// Whether the reasoning calls constrain their answers to JSON (`AnswerSchema`).
  public var structuredOutput: StructuredOutput = .none

  /// The built-in defaults (equal to `PipelineConfig()`).
  public init() {}

  /// Every JSON key `applying(_:)` accepts.
  public static let keys: Set<String> = Set(CodingKeys.allCases.map(\.rawValue))

  /// The defaults of a configuration's `pipeline` section.
  /// - Throws: `PipelineOptionsError` when the section names an unknown mode or a value out of range.
  /// A `paper` preset in the section replaces the section's knobs with its own.
  public init(config: PipelineConfig) throws {
    let values: [String: JSONValue] = [
      "mode": .string(config.mode), "strategy": .string(config.peerStrategy),
      "validation": .string(config.validation.rawValue), "profile_scope": .string(config.profileScope.rawValue),
      "thinking_budget": Self.int(config.thinkingBudget), "samples": Self.int(config.samples),
      "key_samples": Self.int(config.keySamples), "min_other_reviewers": Self.int(config.minOtherReviewers),
      "peers": Self.int(config.peers), "history": Self.int(config.history), "max_tokens": Self.int(config.maxTokens),
    ]
    self = try PipelineOptions().applying(values).applying(["preset": .string(config.preset.rawValue)])
  }

  private static func int(_ n: Int) -> JSONValue { .int(Int64(n)) }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case mode, preset, samples, validation, peers, strategy, history, temperature, seed, retries
    case profileScope = "profile_scope"
    case topP = "top_p"
    case minOtherReviewers = "min_other_reviewers"
    case promptBudget = "prompt_budget"
    case extractorModel = "extractor_model"
    case summarizerModel = "summarizer_model"
    case generatorModel = "generator_model"
    case thinkingBudget = "thinking_budget"
    case keySamples = "key_samples"
    case maxTokens = "max_tokens"
    case structuredOutput = "structured_output"
  }

  /// Decodes a JSON object of overrides on top of the built-in defaults.
  /// - Throws: `PipelineOptionsError` naming the offending field.
  public init(from decoder: Decoder) throws {
    let object = try JSONValue(from: decoder)
    guard let members = object.object else {
      throw PipelineOptionsError(field: "options", problem: "expected an object")
    }
    self = try PipelineOptions().applying(members)
  }

  /// These options with the fields present in `overrides` replaced: a `preset` first (its knobs
  /// replace the current ones), then every other key. Unknown keys, wrong types and out-of-range
  /// values are errors naming the field; `null` keeps the current value.
  /// - Throws: `PipelineOptionsError`.
  public func applying(_ overrides: [String: JSONValue]) throws -> PipelineOptions {
    var o = self
    let ordered = overrides.sorted { ($0.key != "preset" ? 1 : 0, $0.key) < ($1.key != "preset" ? 1 : 0, $1.key) }
    for (key, value) in ordered where !value.isNull {
      guard let field = CodingKeys(rawValue: key) else {
        let known = CodingKeys.allCases.map(\.rawValue).sorted().joined(separator: ", ")
        throw PipelineOptionsError(field: key, problem: "unknown option (known: \(known))")
      }
      func int(_ range: ClosedRange<Int>) throws -> Int {
        guard let n = value.int, range.contains(n) else {
          throw PipelineOptionsError(
            field: key, problem: "expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return n
      }
      func string() throws -> String {
        guard let s = value.string, !s.isEmpty else {
          throw PipelineOptionsError(field: key, problem: "expected a non-empty string")
        }
        return s
      }
      switch field {
      case .mode:
        guard let mode = PipelineMode(rawValue: try string()) else {
          throw PipelineOptionsError(field: key, problem: "expected one of nonp, rag, dpl, drp")
        }
        o.mode = mode
      case .preset:
        guard let preset = PipelinePreset(rawValue: try string()) else {
          throw PipelineOptionsError(field: key, problem: "expected one of \(PipelinePreset.valueList)")
        }
        preset.apply(to: &o)
      case .profileScope:
        guard let scope = ProfileScope(rawValue: try string()) else {
          throw PipelineOptionsError(field: key, problem: "expected one of \(ProfileScope.valueList)")
        }
        o.profileScope = scope
      case .extractorModel: o.extractorModel = try string()
      case .summarizerModel: o.summarizerModel = try string()
      case .generatorModel: o.generatorModel = try string()
      case .thinkingBudget: o.thinkingBudget = try int(1...1_000_000)
      case .samples: o.samples = try int(1...16)
      case .validation:
        if let flag = value.bool {
          o.validation = flag ? .use : .off
        } else if let text = value.string, let mode = ValidationMode(rawValue: text) {
          o.validation = mode
        } else {
          throw PipelineOptionsError(field: key, problem: "expected one of \(ValidationMode.valueList), true or false")
        }
      case .keySamples: o.keySamples = try int(1...64)
      case .minOtherReviewers: o.minOtherReviewers = try int(1...1000)
      case .peers: o.peers = try int(1...64)
      case .strategy: o.strategy = try string()
      case .history: o.history = try int(0...256)
      case .maxTokens: o.maxTokens = try int(1...1_000_000)
      case .temperature:
        guard let t = value.double, (0...2).contains(t) else {
          throw PipelineOptionsError(field: key, problem: "expected a number in 0...2")
        }
        o.temperature = t
      case .topP:
        guard let p = value.double, p > 0, p <= 1 else {
          throw PipelineOptionsError(field: key, problem: "expected a number in (0, 1]")
        }
        o.topP = p
      case .seed: o.seed = try int(0...Int(Int32.max))
      case .retries: o.retries = try int(0...8)
      case .promptBudget: o.promptBudget = try int(64...1_000_000)
      case .structuredOutput:
        guard let mode = StructuredOutput(rawValue: try string()) else {
          throw PipelineOptionsError(field: key, problem: "expected one of \(StructuredOutput.valueList)")
        }
        o.structuredOutput = mode
      }
    }
    return o
  }
}

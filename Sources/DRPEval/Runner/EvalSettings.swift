// What an evaluation was asked to do, recorded in its report.
import DRPCore
import DRPReasoning

/// The evaluation's parameters, the population it drew users from, and the generation settings a
/// reader needs to compare runs (sampling, models, validation).
public struct EvalSettings: Sendable, Codable, Equatable {
  /// Modes compared, in report order.
  public var modes: [PipelineMode]
  /// Users asked for (`--users`; 0: every eligible user).
  public var requestedUsers: Int
  /// Seed of the user sample and of the bootstrap.
  public var seed: UInt64
  /// Minimum reviews of an eligible user.
  public var minReviews: Int
  /// Category restriction, if any.
  public var category: String?
  /// Users satisfying the split.
  public var eligibleUsers: Int
  /// Users evaluated (min of requested and eligible).
  public var evaluatedUsers: Int
  /// Where the held-out reviews come from: `last` (each user's last review) or a benchmark's marked
  /// targets (`dpl`).
  public var targets: String
  /// Reviews hidden from every generation: every eligible user's held-out review and the reviews
  /// written after it.
  public var hiddenReviews: Int
  /// The generation settings in force (nil in reports written before they were recorded).
  public var pipeline: PipelineSettings?

  /// Creates settings.
  public init(
    modes: [PipelineMode], requestedUsers: Int, seed: UInt64, minReviews: Int, category: String?,
    eligibleUsers: Int, evaluatedUsers: Int, targets: String = "last", hiddenReviews: Int = 0,
    pipeline: PipelineSettings? = nil
  ) {
    self.modes = modes
    self.requestedUsers = requestedUsers
    self.seed = seed
    self.minReviews = minReviews
    self.category = category
    self.eligibleUsers = eligibleUsers
    self.evaluatedUsers = evaluatedUsers
    self.targets = targets
    self.hiddenReviews = hiddenReviews
    self.pipeline = pipeline
  }
}

/// What decides how a sample is generated, flattened for readers of the report: the preset, the
/// sampling parameters of every request, the model of each stage, and how validation is used. JSON
/// keys in the pipeline options' spelling: `preset`, `temperature`, `top_p`, `seed`, `max_tokens`,
/// `thinking_budget`, `extractor_model`, `summarizer_model`, `generator_model`, `embedder`, `validation`.
public struct PipelineSettings: Sendable, Codable, Equatable {
  /// The pipeline preset (`paper` or `drp`; nil in reports written before presets).
  public var preset: String?
  /// Sampling temperature of every request.
  public var temperature: Double
  /// Nucleus sampling `top_p` of every request, when sent.
  public var topP: Double?
  /// Sampling seed of every request, when sent.
  public var seed: Int?
  /// `max_tokens` of a generation.
  public var maxTokens: Int
  /// Token budget of each reasoning call.
  public var thinkingBudget: Int
  /// Model of the difference extraction and validation (`statistical`: no reasoner configured).
  public var extractorModel: String
  /// Model of the profile summary.
  public var summarizerModel: String
  /// Model of the generation (`offline`: no LLM configured, the template generator writes).
  public var generatorModel: String
  /// Embedder that places users and peers.
  public var embedder: String
  /// How the reflective validation is used (`use`, `record`, `off`).
  public var validation: String

  enum CodingKeys: String, CodingKey {
    case preset, temperature, seed, embedder, validation
    case topP = "top_p"
    case maxTokens = "max_tokens"
    case thinkingBudget = "thinking_budget"
    case extractorModel = "extractor_model"
    case summarizerModel = "summarizer_model"
    case generatorModel = "generator_model"
  }

  /// The settings of `options` on `config`.
  public init(config: DRPConfig, options: PipelineOptions) {
    func configured(_ section: LLMConfig) -> Bool { !(section.url ?? "").isEmpty }
    func name(_ section: LLMConfig) -> String { section.model.flatMap { $0.isEmpty ? nil : $0 } ?? "default" }
    let reasoner = configured(config.reasoner) ? config.reasoner : config.llm
    preset = options.preset.rawValue
    temperature = options.temperature
    topP = options.topP
    seed = options.seed
    maxTokens = options.maxTokens
    thinkingBudget = options.thinkingBudget
    extractorModel = configured(reasoner) ? options.extractorModel ?? name(reasoner) : "statistical"
    generatorModel = configured(config.llm) ? options.generatorModel ?? name(config.llm) : "offline"
    // The summary model as ModelClients picks it: the `summarizer` section when it names a
    // server, else the generator (`paper`) or the extractor (`drp`).
    if let summarizer = config.summarizer, configured(summarizer) {
      summarizerModel = options.summarizerModel ?? name(summarizer)
    } else if options.preset == .paper {
      summarizerModel = options.summarizerModel ?? generatorModel
    } else {
      summarizerModel = options.summarizerModel ?? extractorModel
    }
    embedder = config.embedder.kind + (config.embedder.model.map { " \($0)" } ?? "")
    validation = options.validation.rawValue
  }
}

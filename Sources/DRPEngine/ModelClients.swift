// One OpenAI-compatible client per endpoint, created once per Engine.
import DRPCore
import DRPOpenAI
import DRPReasoning

/// The engine's LLM clients: one `OpenAIClient` per configured endpoint, created when the engine
/// opens and shared by everything the process does with it (CLI commands, evaluation, every server
/// request). A client's `concurrency` is therefore a real limit on requests in flight to its
/// server. The `llm` and `reasoner` sections name one endpoint when they have the same URL, API
/// key, timeout, retries, concurrency and size limits (always so when the reasoner falls back to
/// `llm`): then they share one client and one limit.
final class ModelClients: Sendable {
  /// The generation endpoint's client (nil: no `llm.url`).
  let llm: OpenAIClient?
  /// The reasoning endpoint's client (nil: no reasoner URL); may be the same object as `llm`.
  let reasoner: OpenAIClient?
  /// The `summarizer` section's client when it names one (may be the same object as another).
  let summarizer: OpenAIClient?
  private let llmModel: String
  private let reasonerModel: String
  private let summarizerModel: String

  init(config: DRPConfig) {
    let llmEndpoint = Self.endpoint(config.llm)
    let reasonerEndpoint = Self.endpoint(config.reasoner)
    let summarizerEndpoint = config.summarizer.flatMap(Self.endpoint)
    let llm = llmEndpoint.map { OpenAIClient(endpoint: $0) }
    self.llm = llm
    let reasoner = reasonerEndpoint.map { $0 == llmEndpoint ? llm : OpenAIClient(endpoint: $0) } ?? nil
    self.reasoner = reasoner
    summarizer =
      summarizerEndpoint.map {
        $0 == llmEndpoint ? llm : $0 == reasonerEndpoint ? reasoner : OpenAIClient(endpoint: $0)
      } ?? nil
    llmModel = Self.modelName(config.llm)
    reasonerModel = Self.modelName(config.reasoner)
    summarizerModel = config.summarizer.map(Self.modelName) ?? llmModel
  }

  /// The model for generation calls (`model` overrides `llm.model`), or nil without an LLM.
  func generator(model: String?) -> OpenAIChatModel? {
    llm.map { OpenAIChatModel(client: $0, model: model ?? llmModel) }
  }

  /// The model for reasoning calls (`model` overrides `reasoner.model`), or nil without a reasoner.
  func reasoning(model: String?) -> OpenAIChatModel? {
    reasoner.map { OpenAIChatModel(client: $0, model: model ?? reasonerModel) }
  }

  /// The model that writes profile summaries: `options.summarizerModel` or the `summarizer`
  /// section when set; else the preset's choice — the generation model for `paper`, the reasoning
  /// model for `drp`. Nil when that model has no server.
  func summarizing(_ options: PipelineOptions) -> OpenAIChatModel? {
    if let summarizer { return OpenAIChatModel(client: summarizer, model: options.summarizerModel ?? summarizerModel) }
    if options.preset == .paper { return generator(model: options.summarizerModel ?? options.generatorModel) }
    return reasoning(model: options.summarizerModel ?? options.extractorModel)
  }

  /// Requests in flight now over every client (each counted once).
  var requestsInFlight: Int {
    var seen: [ObjectIdentifier] = []
    var total = 0
    for client in [llm, reasoner, summarizer].compactMap({ $0 }) where !seen.contains(ObjectIdentifier(client)) {
      seen.append(ObjectIdentifier(client))
      total += client.requestsInFlight
    }
    return total
  }

  /// The endpoint of a section (its model left out: clients are per server, models per call).
  private static func endpoint(_ section: LLMConfig) -> OpenAIEndpoint? {
    guard let url = section.url, !url.isEmpty else { return nil }
    return OpenAIEndpoint(
      baseURL: url, model: "", apiKey: section.apiKey, timeout: section.timeoutS, maxRetries: section.maxRetries,
      concurrency: max(1, section.concurrency), maxReplyBytes: section.maxReplyBytes,
      maxLineBytes: section.maxLineBytes, maxPromptBytes: section.maxPromptBytes)
  }

  private static func modelName(_ section: LLMConfig) -> String {
    section.model.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
  }
}

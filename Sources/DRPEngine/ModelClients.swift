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
  private let llmModel: String
  private let reasonerModel: String

  init(config: DRPConfig) {
    let llmEndpoint = Self.endpoint(config.llm)
    let reasonerEndpoint = Self.endpoint(config.reasoner)
    let llm = llmEndpoint.map { OpenAIClient(endpoint: $0) }
    self.llm = llm
    reasoner = reasonerEndpoint.map { $0 == llmEndpoint ? llm : OpenAIClient(endpoint: $0) } ?? nil
    llmModel = Self.modelName(config.llm)
    reasonerModel = Self.modelName(config.reasoner)
  }

  /// The model for generation calls (`model` overrides `llm.model`), or nil without an LLM.
  func generator(model: String?) -> OpenAIChatModel? {
    llm.map { OpenAIChatModel(client: $0, model: model ?? llmModel) }
  }

  /// The model for reasoning calls (`model` overrides `reasoner.model`), or nil without a reasoner.
  func reasoning(model: String?) -> OpenAIChatModel? {
    reasoner.map { OpenAIChatModel(client: $0, model: model ?? reasonerModel) }
  }

  /// Requests in flight now over every client.
  var requestsInFlight: Int {
    let shared = llm != nil && reasoner != nil && llm === reasoner
    return (llm?.requestsInFlight ?? 0) + (shared ? 0 : reasoner?.requestsInFlight ?? 0)
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

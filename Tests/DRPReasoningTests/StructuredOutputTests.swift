import DRPCore
import DRPOpenAI
import DRPReasoning
import DRPReasoningTestSupport
import DRPTestSupport
import XCTest

/// Structured output in the orchestrator: which `response_format` each stage sends, cache keys,
/// and a server that rejects `response_format` (scripted and over loopback HTTP).
final class StructuredOutputTests: XCTestCase {
  private let samples = Array(
    ReviewFixtures.keySamples(user: "u", userBank: ReviewFixtures.gushing, userSentences: 3, userRating: 5).prefix(2))

  /// A model that answers every stage correctly.
  private static func cooperative() -> ScriptedChatModel {
    ScriptedChatModel { stage, _, _ in
      switch stage {
      case .extract: return ScriptedChatModel.dimensions(["Exclamation", "Length"])
      case .validate: return ChatModelReply(content: #"{"kept": [{"name": "Exclamation", "description": "x"}]}"#)
      default: return ChatModelReply(content: #"{"summary": "Shouts."}"#)
      }
    }
  }

  private func profile(
    _ model: any ChatModel, _ mode: StructuredOutput, pipeline: PipelineMode = .drp, cache: (any LLMCache)? = nil
  ) async throws -> ProfileResult {
    var options = PipelineOptions()
    options.mode = pipeline
    options.thinkingBudget = 300
    options.structuredOutput = mode
    return try await Orchestrator(prompts: try ReasoningPrompts(), model: model, cache: cache)
      .profile(userID: "u", keySamples: samples, options: options, created: 1)
  }

  func testEachStageSendsItsSchema() async throws {
    let model = Self.cooperative()
    let result = try await profile(model, .jsonSchema)
    XCTAssertEqual(result.profile.dimensions.map(\.name), ["Exclamation"])
    let names = model.requests.map { entry -> String in
      guard case .jsonSchema(let name, _, let strict)? = entry.request.responseFormat, strict else { return "-" }
      return "\(entry.stage.rawValue):\(name)"
    }
    // The two key items run concurrently; the synthesis comes after both.
    XCTAssertEqual(
      names.sorted(),
      [
        "extract:difference_dimensions", "extract:difference_dimensions", "synthesize:profile_summary",
        "validate:dimension_validation", "validate:dimension_validation",
      ])
    XCTAssertEqual(names.last, "synthesize:profile_summary")
    XCTAssertEqual(
      model.requests(.extract).first?.responseFormat,
      AnswerSchema.dimensions(maxTokens: 300).responseFormat(.jsonSchema))
    XCTAssertEqual(
      model.requests(.validate).first?.responseFormat,
      AnswerSchema.validation(candidates: ["Exclamation", "Length"], maxTokens: 300).responseFormat(.jsonSchema))

    let dpl = Self.cooperative()
    _ = try await profile(dpl, .jsonSchema, pipeline: .dpl)
    XCTAssertEqual(
      dpl.requests(.extract).map(\.responseFormat),
      Array(
        repeating: AnswerSchema.baseDimensions(Orchestrator.baseDimensions, maxTokens: 300).responseFormat(.jsonSchema),
        count: 2))
  }

  func testJSONObjectAndNone() async throws {
    let object = Self.cooperative()
    _ = try await profile(object, .jsonObject)
    XCTAssertEqual(object.requests.count, 5)
    XCTAssertTrue(object.requests.allSatisfy { $0.request.responseFormat == .jsonObject })
    let plain = Self.cooperative()
    _ = try await profile(plain, .none)
    XCTAssertEqual(plain.requests.count, 5)
    XCTAssertTrue(plain.requests.allSatisfy { $0.request.responseFormat == nil })
  }

  func testConstrainedAndFreeRepliesNeverShareACacheEntry() async throws {
    let cache = MemoryLLMCache()
    let model = Self.cooperative()
    let free = try await profile(model, .none, cache: cache)
    XCTAssertEqual(free.stats.total.calls, 5)
    let constrained = try await profile(model, .jsonSchema, cache: cache)
    XCTAssertEqual(constrained.stats.total.cacheHits, 0, "a free-text reply was reused for a constrained call")
    XCTAssertEqual(constrained.stats.total.calls, 5)
    let object = try await profile(model, .jsonObject, cache: cache)
    XCTAssertEqual(object.stats.total.cacheHits, 0)
    let again = try await profile(model, .jsonSchema, cache: cache)
    XCTAssertEqual(again.stats.total.calls, 0, "constrained replies are cached under their own keys")
    XCTAssertEqual(again.stats.total.cacheHits, 5)
  }

  func testConstrainedAnswerCutOffAtMaxTokensIsRetriedWithTwiceTheBudget() async throws {
    for mode in [StructuredOutput.jsonSchema, .none] {
      let model = ScriptedChatModel { stage, _, n in
        switch stage {
        case .extract where n == 0:
          // A degenerate answer that filled a string with one-character tokens until max_tokens.
          return ChatModelReply(
            content: #"{"dimensions": [{"definition": "1.1.1.1.1.1.1.1.1.1.1."#, finishReason: "length")
        case .extract: return ScriptedChatModel.dimensions(["Tone"])
        case .validate: return ChatModelReply(content: #"{"kept": ["Tone"]}"#)
        default: return ChatModelReply(content: #"{"summary": "s"}"#)
        }
      }
      let result = try await profile(model, mode)
      XCTAssertEqual(result.profile.dimensions.map(\.name), ["Tone"])
      XCTAssertEqual(
        model.requests(.extract).map(\.maxTokens).sorted(), mode == .none ? [300, 300, 300] : [300, 300, 600],
        "only a constrained call gets a larger budget (\(mode))")
      XCTAssertEqual(result.failures.count, 1)
      XCTAssertTrue(result.failures[0].reason.hasSuffix("(cut off at 300 tokens)"), result.failures[0].reason)
      if mode != .none {
        XCTAssertEqual(
          model.requests(.extract)[1].responseFormat, AnswerSchema.dimensions(maxTokens: 300).responseFormat(mode),
          "the retry keeps the first budget's schema")
      }
    }
  }

  func testCacheKeyOfARequestWithoutFormatIsUnchanged() {
    // Computed before `response_format` existed: replies cached then must still be found.
    var request = ChatModelRequest(
      messages: [
        PromptMessage(role: "system", content: "Answer in JSON."), PromptMessage(role: "user", content: "Compare."),
      ], maxTokens: 160, temperature: 0.7, seed: 1000)
    let key = {
      LLMCacheKey.make(
        stage: "extract", templateID: "extract_differences.v1", model: "m", request: request, tag: "s0a1")
    }
    XCTAssertEqual(key(), "extract/extract_differences.v1/m/267e624a681f0a24a0d18052b2e13587")
    request.responseFormat = .jsonObject
    XCTAssertNotEqual(key(), "extract/extract_differences.v1/m/267e624a681f0a24a0d18052b2e13587")
  }

  func testRejectionsAreRecognised() {
    let url = "http://127.0.0.1:1/v1/chat/completions"
    let format = ResponseFormat.jsonSchema(name: "n", schema: .object([:]), strict: true)
    let rejected: [OpenAIError] = [
      .http(status: 400, message: "Unknown parameter: 'response_format'.", url: url),
      .http(status: 400, message: "invalid request", url: url),
      .http(status: 422, message: "unsupported", url: url),
      .http(status: 500, message: "failed to parse grammar", url: url),
      .retriesExhausted(attempts: 3, last: .http(status: 500, message: "JSON schema conversion failed", url: url)),
      .streamError(message: "json_schema not supported", url: url),
    ]
    for error in rejected {
      let found = StructuredOutputError.rejection(in: error, format: format)
      XCTAssertEqual(found?.setting, "json_schema", "\(error)")
      XCTAssertEqual(found?.url, url)
    }
    XCTAssertEqual(
      StructuredOutputError.rejection(in: rejected[1], format: format)?.serverMessage, "HTTP 400: invalid request")
    let other: [any Error] = [
      OpenAIError.http(status: 400, message: "request (9031 tokens) exceeds the available context size", url: url),
      OpenAIError.http(status: 400, message: "This model's maximum context length is 8192 tokens", url: url),
      OpenAIError.http(status: 500, message: "out of memory", url: url),
      OpenAIError.http(status: 401, message: "bad key", url: url),
      OpenAIError.timeout(seconds: 5, url: url), OpenAIError.connection(reason: "refused", url: url),
      ReasoningError.emptyAnswer,
    ]
    for error in other { XCTAssertNil(StructuredOutputError.rejection(in: error, format: format), "\(error)") }
    XCTAssertNil(StructuredOutputError.rejection(in: rejected[0], format: nil), "nothing to reject without a format")
    XCTAssertEqual(
      StructuredOutputError(setting: "json_schema", url: url, serverMessage: "no").description,
      "reasoner.structured_output=json_schema was rejected by \(url): no; set it to none (or json_object)"
        + " (config reasoner.structured_output, DRP_REASONER_STRUCTURED_OUTPUT, --structured-output"
        + " or the structured_output request parameter)")
  }

  func testRejectingServerStopsTheRunWithTheSetting() async throws {
    // Like llama-server given a schema it cannot turn into a grammar.
    let server = try FakeHTTPServer { request, _ in
      request.json["response_format"] == nil
        ? .respond(
          status: 200,
          body: OpenAIReplies.chat(#"{"dimensions": [{"name": "Tone", "definition": "d", "description": "x"}]}"#))
        : .respond(
          status: 400,
          body:
            #"{"error":{"code":400,"message":"Unable to generate parser for this template.","type":"invalid_request_error"}}"#
        )
    }
    let endpoint = OpenAIEndpoint(baseURL: server.baseURL, model: "m", timeout: 5, maxRetries: 2, retryBaseDelay: 0.01)
    let model = OpenAIChatModel(client: OpenAIClient(endpoint: endpoint))
    for mode in [StructuredOutput.jsonSchema, .jsonObject] {
      let before = server.requests.count
      do {
        _ = try await profile(model, mode)
        XCTFail("a rejected response_format must stop the run")
      } catch let error as StructuredOutputError {
        XCTAssertEqual(error.setting, mode.rawValue)
        XCTAssertTrue(
          error.description.hasPrefix(
            "reasoner.structured_output=\(mode.rawValue) was rejected by \(server.baseURL)/chat/completions: "
              + "HTTP 400: Unable to generate parser for this template.; set it to none"),
          error.description)
      }
      // The key items' extractions start together; the first rejection cancels the rest. No call
      // is sent twice: neither the client nor the orchestrator retries it.
      let sent = server.requests[before...].map(\.body)
      XCTAssertTrue((1...samples.count).contains(sent.count), "\(sent.count) requests")
      XCTAssertEqual(Set(sent).count, sent.count, "neither the client nor the orchestrator retries it")
    }
    let free = try await profile(model, .none)
    XCTAssertEqual(free.profile.dimensions.map(\.name), ["Tone"])
    XCTAssertTrue(free.failures.filter { $0.stage == "extract" }.isEmpty, "\(free.failures)")
  }
}

import DRPCore
import DRPReasoning
import Foundation
import XCTest

@testable import DRPOpenAI

/// The exact bytes of requests that carry an `AnswerSchema`: the body the HTTP transports send and
/// the encoding `LLMCacheKey` digests. The golden values were captured from the code before schemas
/// and extra parameters moved from a DRPOpenAI-private JSON type to `JSONValue`: the server must
/// see the same schema, integers must stay integers, and cached replies must still be found.
final class SchemaRequestBytesTests: XCTestCase {
  /// Every stage's schema, with the default budget and a small one.
  private let schemas: [(String, AnswerSchema)] = [
    ("dimensions-600", AnswerSchema.dimensions(maxTokens: 600)),
    ("dimensions-120", AnswerSchema.dimensions(maxTokens: 120)),
    ("base-600", AnswerSchema.baseDimensions(["Tone", "Detail", "Focus"], maxTokens: 600)),
    ("validation-600", AnswerSchema.validation(candidates: ["Tone", "Detail/Depth", "Tone"], maxTokens: 600)),
    ("summary-600", AnswerSchema.summary(maxTokens: 600)),
  ]

  /// A request with every optional field and extra parameters of each number kind.
  private func request(_ schema: AnswerSchema) -> ChatRequest {
    ChatRequest(
      messages: [.system("Answer in JSON."), .user("Compare.")], maxTokens: 600, temperature: 0.7, topP: 0.9,
      seed: 1001, stop: ["</json>"], responseFormat: schema.responseFormat(.jsonSchema),
      extra: ["top_k": .int(40), "min_p": .double(0.05), "repeat_penalty": .double(1.0), "cache_prompt": .bool(true)])
  }

  /// The body as the client encodes it for `chat/completions` (both transports send these bytes).
  private func wireBody(_ request: ChatRequest, stream: Bool) throws -> String {
    let client = OpenAIClient(endpoint: OpenAIEndpoint(baseURL: "http://127.0.0.1:9/v1", model: "m"))
    let urlRequest = try client.makeRequest(
      path: "chat/completions", body: request.body(defaultModel: "m", stream: stream), streaming: stream)
    return String(decoding: try XCTUnwrap(urlRequest.httpBody), as: UTF8.self)
  }

  func testSummarySchemaBodyIsByteIdentical() throws {
    XCTAssertEqual(
      try wireBody(request(AnswerSchema.summary(maxTokens: 600)), stream: false),
      #"{"cache_prompt":true,"max_tokens":600,"messages":[{"content":"Answer in JSON.","role":"system"},"#
        + #"{"content":"Compare.","role":"user"}],"min_p":0.05,"model":"m","repeat_penalty":1,"#
        + #""response_format":{"json_schema":{"name":"profile_summary","schema":{"additionalProperties":false,"#
        + #""properties":{"summary":{"maxLength":1200,"minLength":1,"type":"string"}},"required":["summary"],"#
        + #""type":"object"},"strict":true},"type":"json_schema"},"seed":1001,"stop":["<\/json>"],"#
        + #""temperature":0.7,"top_k":40,"top_p":0.9}"#)
  }

  func testSchemaBodiesAreByteIdentical() throws {
    var digests: [String] = []
    for (name, schema) in schemas {
      for stream in [false, true] {
        digests.append("\(name) \(stream) " + LLMCacheKey.digest(try wireBody(request(schema), stream: stream)))
      }
    }
    XCTAssertEqual(
      digests,
      [
        "dimensions-600 false fdd16c061cf7119dd8f3c423217abe62", "dimensions-600 true ebee817b4257183a7de446aa4c07b775",
        "dimensions-120 false ac075ac6737170f619367d6926231ca3", "dimensions-120 true f8fb964cb85fe4b171e50d5f3c21d8a0",
        "base-600 false a64f062c69174a5e0d8002c9abeb23bb", "base-600 true ae03a9014f74aad97eedeafcd8887198",
        "validation-600 false c5514fc27c11a244b222cee8a7436b0b", "validation-600 true e31c4ea94f4cd5b7e2b9a9a9fe03ebc8",
        "summary-600 false 047b23a6595103fb960ac167de865714", "summary-600 true 8bb9774fc7c6565899269d989d64b5a7",
      ])
  }

  func testCacheKeysOfRequestsWithSchemasAreUnchanged() {
    var keys: [String] = []
    for (name, schema) in schemas {
      let request = ChatModelRequest(
        messages: [
          PromptMessage(role: "system", content: "Answer in JSON."), PromptMessage(role: "user", content: "Compare."),
        ], maxTokens: 600, temperature: 0.7, seed: 1000, responseFormat: schema.responseFormat(.jsonSchema))
      let key = LLMCacheKey.make(
        stage: "extract", templateID: "extract_differences.v1", model: "m", request: request, tag: "s0a1")
      keys.append("\(name) " + key)
    }
    XCTAssertEqual(
      keys,
      [
        "dimensions-600 extract/extract_differences.v1/m/84d63daccce3eeb2731692bb9383eff3",
        "dimensions-120 extract/extract_differences.v1/m/7f57997420ecf91d52723278039b5a56",
        "base-600 extract/extract_differences.v1/m/eb3b981eb1e5d4d51511222075b594de",
        "validation-600 extract/extract_differences.v1/m/22bf480387fbda310825c07cb0a087dc",
        "summary-600 extract/extract_differences.v1/m/938fe55652807488d2cf92bba190d4dd",
      ])
  }

  /// `ChatModelRequest.json` written by `JSONWriter.encoderBytes` is byte for byte what
  /// `JSONEncoder` writes for the request itself (the encoding `LLMCacheKey` digests).
  func testRequestJSONMatchesItsEncodableForm() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let messages: [PromptMessage] = [
      .init(role: "system", content: "Reply in JSON / no prose.\n\t\"quoted\" \\ é 🙂 \u{1}"),
      .init(role: "user", content: "<item id=\"B0/1\">Été</item>"),
    ]
    var requests = [
      ChatModelRequest(messages: messages, maxTokens: 600, temperature: 0.7, seed: 1001),
      ChatModelRequest(messages: messages, maxTokens: 48, temperature: 0, topP: 0.95, seed: 42),
      ChatModelRequest(messages: [], maxTokens: 1, temperature: 1.0, topP: 1, seed: -3),
    ]
    for (_, schema) in schemas {
      requests.append(
        ChatModelRequest(
          messages: messages, maxTokens: 600, temperature: 0.8, topP: 0.9, seed: 7,
          responseFormat: schema.responseFormat(.jsonSchema)))
    }
    requests.append(
      ChatModelRequest(messages: messages, maxTokens: 600, temperature: 0.2, seed: 7, responseFormat: .jsonObject))
    for request in requests {
      let written = try XCTUnwrap(JSONWriter.encoderBytes(request.json, escapeSlashes: false))
      XCTAssertEqual(
        String(decoding: written, as: UTF8.self), String(decoding: try encoder.encode(request), as: UTF8.self))
    }
  }
}

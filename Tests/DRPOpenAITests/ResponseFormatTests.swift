import DRPCore
import DRPTestSupport
import Foundation
import XCTest

@testable import DRPOpenAI

/// `response_format`: its exact OpenAI encoding, its place in whole and streamed request bodies,
/// and decoding (with bad inputs).
final class ResponseFormatTests: XCTestCase {
  private let schema = JSONValue.object([
    "type": .string("object"),
    "properties": .object(["summary": .object(["type": .string("string"), "maxLength": .int(80)])]),
    "required": .array([.string("summary")]), "additionalProperties": .bool(false),
  ])

  private func text(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  func testEncodingFollowsTheOpenAIAPI() throws {
    XCTAssertEqual(try text(ResponseFormat.jsonObject), #"{"type":"json_object"}"#)
    XCTAssertEqual(
      try text(ResponseFormat.jsonSchema(name: "profile_summary", schema: schema, strict: true)),
      #"{"json_schema":{"name":"profile_summary","schema":{"additionalProperties":false,"#
        + #""properties":{"summary":{"maxLength":80,"type":"string"}},"required":["summary"],"type":"object"},"#
        + #""strict":true},"type":"json_schema"}"#)
    XCTAssertEqual(ResponseFormat.jsonObject.type, "json_object")
    XCTAssertEqual(ResponseFormat.jsonSchema(name: "n", schema: schema, strict: false).type, "json_schema")
  }

  func testBodiesCarryTheFormatOnlyWhenSet() {
    let format = ResponseFormat.jsonSchema(name: "s", schema: schema, strict: true)
    let request = ChatRequest(messages: [.user("x")], maxTokens: 4, responseFormat: format)
    for stream in [false, true] {
      XCTAssertEqual(request.body(defaultModel: "d", stream: stream)["response_format"], format.json)
      XCTAssertNil(ChatRequest(messages: [.user("x")]).body(defaultModel: "d", stream: stream)["response_format"])
    }
    let overridden = ChatRequest(
      messages: [.user("x")], responseFormat: format, extra: ["response_format": ResponseFormat.jsonObject.json])
    XCTAssertEqual(
      overridden.body(defaultModel: "d", stream: false)["response_format"], ResponseFormat.jsonObject.json,
      "extra is merged last")
  }

  func testWholeAndStreamedRequestsSendTheFormat() async throws {
    let server = try FakeHTTPServer { request, _ in
      (request.json["stream"] as? Bool) == true
        ? .stream(pieces: [FakeReplies.delta(#"{"summary":"ok"}"#, finish: "stop"), FakeReplies.done])
        : .respond(status: 200, body: FakeReplies.chat(#"{"summary":"ok"}"#))
    }
    let client = FakeReplies.client(server)
    let format = ResponseFormat.jsonSchema(name: "profile_summary", schema: schema, strict: true)
    var request = FakeReplies.hello
    request.responseFormat = format
    let whole = try await client.chat(request)
    XCTAssertEqual(whole.content, #"{"summary":"ok"}"#)
    var streamed = ""
    for try await event in client.chatStream(request) {
      if case .content(let piece) = event { streamed += piece }
    }
    XCTAssertEqual(streamed, #"{"summary":"ok"}"#)
    let bodies = server.requests.map(\.body)
    XCTAssertEqual(bodies.count, 2)
    for body in bodies {
      let sent = try XCTUnwrap(
        try JSONDecoder().decode([String: JSONValue].self, from: body)["response_format"], "\(body)")
      XCTAssertEqual(sent, format.json)
      XCTAssertEqual(try JSONDecoder().decode(ResponseFormat.self, from: try JSONEncoder().encode(sent)), format)
    }
  }

  func testDecodingRoundTripsAndDefaultsStrictToFalse() throws {
    for format in [ResponseFormat.jsonObject, .jsonSchema(name: "x-1", schema: schema, strict: true)] {
      XCTAssertEqual(try JSONDecoder().decode(ResponseFormat.self, from: try JSONEncoder().encode(format)), format)
    }
    let lax = #"{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object"}}}"#
    XCTAssertEqual(
      try JSONDecoder().decode(ResponseFormat.self, from: Data(lax.utf8)),
      .jsonSchema(name: "n", schema: .object(["type": .string("object")]), strict: false))
  }

  func testBadFormatsAreRejectedWithTheirProblem() {
    let cases: [(String, String)] = [
      (#""json_object""#, "string `type`"),
      (#"{"kind":"json_object"}"#, "string `type`"),
      (#"{"type":"text"}"#, "unknown type 'text'"),
      (#"{"type":"json_schema"}"#, "non-empty `name`"),
      (#"{"type":"json_schema","json_schema":{"name":"","schema":{}}}"#, "non-empty `name`"),
      (#"{"type":"json_schema","json_schema":{"name":"n"}}"#, "must be an object"),
      (#"{"type":"json_schema","json_schema":{"name":"n","schema":[1]}}"#, "must be an object"),
      (#"{"type":"json_schema","json_schema":{"name":"n","schema":{},"strict":"yes"}}"#, "true or false"),
    ]
    for (json, fragment) in cases {
      XCTAssertThrowsError(try JSONDecoder().decode(ResponseFormat.self, from: Data(json.utf8)), json) { error in
        XCTAssertTrue("\(error)".contains(fragment), "\(json): \(error)")
      }
    }
  }
}

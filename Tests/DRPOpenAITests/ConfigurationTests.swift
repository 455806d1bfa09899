import DRPCore
import Foundation
import XCTest

@testable import DRPOpenAI

/// Endpoint decoding, retry timing and JSON parameter values.
final class ConfigurationTests: XCTestCase {
  func testEndpointDecodesWithDefaults() throws {
    let json = #"{"baseURL":"http://127.0.0.1:1/v1/","model":"m","maxRetries":1}"#
    let endpoint = try JSONDecoder().decode(OpenAIEndpoint.self, from: Data(json.utf8))
    XCTAssertEqual(
      endpoint, OpenAIEndpoint(baseURL: "http://127.0.0.1:1/v1/", model: "m", maxRetries: 1))
    XCTAssertEqual(try endpoint.url("embeddings").absoluteString, "http://127.0.0.1:1/v1/embeddings")
    let roundTrip = try JSONDecoder().decode(OpenAIEndpoint.self, from: JSONEncoder().encode(endpoint))
    XCTAssertEqual(roundTrip, endpoint)
  }

  func testEndpointRejectsMissingFieldsAndBadURLs() {
    XCTAssertThrowsError(try JSONDecoder().decode(OpenAIEndpoint.self, from: Data(#"{"model":"m"}"#.utf8)))
    for bad in ["", "ftp://host/v1", "127.0.0.1:8080/v1", "http://"] {
      XCTAssertThrowsError(try OpenAIEndpoint(baseURL: bad, model: "m").url("chat/completions"), bad)
    }
  }

  func testRetryAfterParsing() {
    XCTAssertEqual(RetryPolicy.parseRetryAfter("3"), 3)
    XCTAssertEqual(RetryPolicy.parseRetryAfter(" 0.5 "), 0.5)
    XCTAssertEqual(RetryPolicy.parseRetryAfter("-4"), 0)
    XCTAssertNil(RetryPolicy.parseRetryAfter(nil))
    XCTAssertNil(RetryPolicy.parseRetryAfter("soon"))
    let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
    XCTAssertEqual(
      try XCTUnwrap(RetryPolicy.parseRetryAfter("Tue, 14 Nov 2023 22:13:30 GMT", now: now)), 10, accuracy: 0.001)
  }

  func testBackoffGrowsWithJitterAndCaps() {
    let policy = RetryPolicy(maxRetries: 5, baseDelay: 0.5)
    for retry in 0..<6 {
      let ceiling = min(8, 0.5 * pow(2, Double(retry)))
      for _ in 0..<20 {
        let delay = policy.delay(beforeRetry: retry, retryAfter: nil)
        XCTAssertGreaterThanOrEqual(delay, ceiling / 2)
        XCTAssertLessThanOrEqual(delay, ceiling)
      }
    }
    XCTAssertEqual(policy.delay(beforeRetry: 0, retryAfter: 2), 2)
    XCTAssertEqual(policy.delay(beforeRetry: 0, retryAfter: 3600), 60)
  }

  /// The sorted-key body the client sends for `request`.
  private func sentBody(_ request: ChatRequest) throws -> String {
    let client = OpenAIClient(endpoint: OpenAIEndpoint(baseURL: "http://127.0.0.1:9/v1", model: "d"))
    let sent = try client.makeRequest(path: "chat/completions", body: request.body(defaultModel: "d", stream: false))
    return String(decoding: try XCTUnwrap(sent.httpBody), as: UTF8.self)
  }

  func testIntegerParametersAreSentAsIntegers() throws {
    let request = ChatRequest(
      messages: [.user("x")], maxTokens: 4, temperature: 1, seed: 9_007_199_254_740_993,
      extra: ["top_k": .int(-20), "big": .int(.max), "penalty": .double(1.25), "whole": .double(2)])
    XCTAssertEqual(
      try sentBody(request),
      #"{"big":9223372036854775807,"max_tokens":4,"messages":[{"content":"x","role":"user"}],"model":"d","#
        + #""penalty":1.25,"seed":9007199254740993,"temperature":1,"top_k":-20,"whole":2}"#)
  }

  func testRequestsThatCompareEqualSendTheSameBody() throws {
    // JSONValue compares `.int(1)` and `.double(1.0)` equal; the bodies must not differ either.
    let asInt = ChatRequest(messages: [.user("x")], extra: ["n": .int(1), "list": .array([.int(3)])])
    let asDouble = ChatRequest(messages: [.user("x")], extra: ["n": .double(1.0), "list": .array([.double(3)])])
    XCTAssertEqual(asInt, asDouble)
    XCTAssertEqual(try sentBody(asInt), try sentBody(asDouble))
    let fractional = ChatRequest(messages: [.user("x")], extra: ["n": .double(1.5), "list": .array([.double(3)])])
    XCTAssertNotEqual(asInt, fractional)
    XCTAssertNotEqual(try sentBody(asInt), try sentBody(fractional))
  }

  func testRequestBodyMergesExtraLast() {
    let request = ChatRequest(messages: [.user("x")], maxTokens: 4, extra: ["max_tokens": .int(9)])
    let body = request.body(defaultModel: "d", stream: false)
    XCTAssertEqual(body["max_tokens"], .int(9))
    XCTAssertEqual(body["model"], .string("d"))
  }
}

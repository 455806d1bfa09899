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

  func testJSONValuesRoundTrip() throws {
    let value = OpenAIJSON.object([
      "a": .array([.int(1), .double(2.5), .bool(true), .null, .string("x")]), "b": .object([:]),
    ])
    let encoded = try JSONEncoder().encode(value)
    XCTAssertEqual(try JSONDecoder().decode(OpenAIJSON.self, from: encoded), value)
  }

  func testRequestBodyMergesExtraLast() {
    let request = ChatRequest(messages: [.user("x")], maxTokens: 4, extra: ["max_tokens": .int(9)])
    let body = request.body(defaultModel: "d", stream: false)
    XCTAssertEqual(body["max_tokens"], .int(9))
    XCTAssertEqual(body["model"], .string("d"))
  }
}

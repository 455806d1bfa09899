import DRPTestSupport
import Foundation
import XCTest

@testable import DRPOpenAI

/// Embeddings against the in-process fake server.
final class EmbeddingsTests: XCTestCase {
  func testBatchesKeepOrderEvenWhenTheServerShufflesIndices() async throws {
    // Each text is "t<k>"; the server answers vector [k, k] with indices in reverse order.
    let server = try FakeHTTPServer { request, _ in
      let inputs = request.json["input"] as? [String] ?? []
      let vectors = inputs.reversed().map { text -> [Float] in
        let k = Float(text.dropFirst()) ?? -1
        return [k, k]
      }
      return .respond(
        status: 200, body: FakeReplies.embeddings(vectors, indices: Array((0..<inputs.count).reversed())))
    }
    let client = FakeReplies.client(server, batchSize: 2)
    let texts = (0..<5).map { "t\($0)" }
    let vectors = try await client.embeddings(texts, expectedDimension: 2)
    XCTAssertEqual(vectors, (0..<5).map { [Float($0), Float($0)] })
    XCTAssertEqual(server.requests.count, 3)
    XCTAssertEqual(Set(server.requests.map { ($0.json["input"] as? [String])?.count ?? 0 }), [1, 2])
    XCTAssertEqual(server.requests.first?.json["model"] as? String, "fake-model")
    XCTAssertEqual(client.usage.snapshot.calls, 3)
    XCTAssertEqual(client.usage.snapshot.promptTokens, 10)
  }

  func testEmptyInputMakesNoRequest() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 500, body: "") }
    let vectors = try await FakeReplies.client(server).embeddings([])
    XCTAssertEqual(vectors, [])
    XCTAssertEqual(server.requests.count, 0)
  }

  func testInconsistentDimensionsAreRejected() async throws {
    let server = try FakeHTTPServer { _, _ in
      .respond(status: 200, body: FakeReplies.embeddings([[1, 2, 3], [1, 2]]))
    }
    let error = await embeddingsError(FakeReplies.client(server), ["a", "b"])
    XCTAssertEqual(error, .dimensionMismatch(expected: 3, actual: 2, index: 1))
    XCTAssertEqual(error?.description, "embedding 1 has 2 dimensions, expected 3")
  }

  func testExpectedDimensionIsEnforced() async throws {
    let server = try FakeHTTPServer { _, _ in .respond(status: 200, body: FakeReplies.embeddings([[1, 2, 3]])) }
    let error = await embeddingsError(FakeReplies.client(server), ["a"], expectedDimension: 384)
    XCTAssertEqual(error, .dimensionMismatch(expected: 384, actual: 3, index: 0))
  }

  func testMissingOrWrongDataIsMalformed() async throws {
    let bodies = [
      #"{"object":"list"}"#,  // no data
      FakeReplies.embeddings([[1, 2]]),  // one vector for two texts
      #"{"data":[{"index":0,"embedding":[1,2]},{"index":0,"embedding":[3,4]}]}"#,  // duplicate index
      #"{"data":[{"index":0,"embedding":[1,2]},{"index":1}]}"#,  // missing vector
      #"{"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[]}]}"#,  // empty vector
      #"{"data":[{"index":0,"embedding":["x"]},{"index":1,"embedding":[1]}]}"#,  // not numbers
      "<html>oops</html>",
    ]
    for body in bodies {
      let server = try FakeHTTPServer { _, _ in .respond(status: 200, body: body) }
      let error = await embeddingsError(FakeReplies.client(server), ["a", "b"])
      guard case .malformedResponse(_, let url) = error else {
        XCTFail("body \(body): expected malformedResponse, got \(String(describing: error))")
        continue
      }
      XCTAssertEqual(url, server.baseURL + "/embeddings")
    }
  }

  private func embeddingsError(
    _ client: OpenAIClient, _ texts: [String], expectedDimension: Int? = nil
  ) async -> OpenAIError? {
    do {
      let vectors = try await client.embeddings(texts, expectedDimension: expectedDimension)
      XCTFail("expected an error, got \(vectors)")
      return nil
    } catch {
      XCTAssertNotNil(error as? OpenAIError, "expected an OpenAIError, got \(error)")
      return error as? OpenAIError
    }
  }
}

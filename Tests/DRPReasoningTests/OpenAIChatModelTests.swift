import DRPCore
import DRPOpenAI
import DRPReasoning
import DRPReasoningTestSupport
import XCTest

/// The OpenAIClient adapter inside the orchestrator: transport failures after the client's own
/// retries are recorded per key sample.
final class OpenAIChatModelTests: XCTestCase {
  func testUnreachableServerIsRetriedByClientAndOrchestratorThenRecorded() async throws {
    // Port 9 (discard) on loopback: nothing listens, connections are refused at once.
    let endpoint = OpenAIEndpoint(
      baseURL: "http://127.0.0.1:9/v1", model: "m", timeout: 5, maxRetries: 1, retryBaseDelay: 0.01)
    let model = OpenAIChatModel(client: OpenAIClient(endpoint: endpoint))
    var options = PipelineOptions()
    options.retries = 1
    let samples = Array(
      ReviewFixtures.keySamples(user: "u", userBank: ReviewFixtures.terse, userSentences: 2, userRating: 4).prefix(1))
    let result = try await Orchestrator(prompts: try ReasoningPrompts(), model: model, cache: MemoryLLMCache())
      .profile(userID: "u", keySamples: samples, options: options, created: 0)
    XCTAssertTrue(result.profile.dimensions.isEmpty)
    XCTAssertEqual(result.failures.count, 2, "\(result.failures)")
    XCTAssertEqual(result.failures.last?.final, true)
    for failure in result.failures {
      XCTAssertTrue(failure.reason.contains("gave up after 2 attempts"), failure.reason)
      XCTAssertTrue(failure.reason.contains("127.0.0.1:9"), failure.reason)
    }
    XCTAssertEqual(model.client.usage.snapshot.failures, 2)
  }
}

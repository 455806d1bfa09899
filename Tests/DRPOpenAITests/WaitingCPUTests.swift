import DRPTestSupport
import Foundation
import XCTest

@testable import DRPOpenAI

#if canImport(Glibc)
  import Glibc
#endif

/// Guards against spinning while a request waits: a silent server must cost (almost) no CPU.
/// These are correctness checks with a wide margin, not performance targets.
final class WaitingCPUTests: XCTestCase {
  func testWaitingOnASilentServerDoesNotSpin() async throws {
    let server = try FakeHTTPServer { _, _ in .hang }
    let client = FakeReplies.client(server, timeout: 1.5, maxRetries: 0)
    let before = Self.processCPUSeconds()
    do {
      _ = try await client.chat(FakeReplies.hello)
      XCTFail("a silent server must time out")
    } catch {
      XCTAssertEqual(error as? OpenAIError, .timeout(seconds: 1.5, url: server.baseURL + "/chat/completions"))
    }
    let used = Self.processCPUSeconds() - before
    XCTAssertLessThan(used, 0.3, "waiting 1.5 s for a silent server used \(used) s of CPU")
  }

  func testWaitingOnASilentStreamDoesNotSpin() async throws {
    let server = try FakeHTTPServer { _, _ in .stream(pieces: [FakeReplies.delta("Then silence")], hold: true) }
    let client = FakeReplies.client(server, timeout: 2, maxRetries: 0)
    let before = Self.processCPUSeconds()
    var failure: OpenAIError?
    do {
      for try await _ in client.chatStream(FakeReplies.hello) {}
    } catch {
      failure = error as? OpenAIError
    }
    XCTAssertEqual(failure, .timeout(seconds: 2, url: server.baseURL + "/chat/completions"))
    let used = Self.processCPUSeconds() - before
    XCTAssertLessThan(used, 0.4, "waiting 2 s on a silent stream used \(used) s of CPU")
  }

  /// Against the real local model: prints wall and CPU time of a slow completion (64 tokens; measured with 200).
  func testWaitingForTheLocalModelUsesLittleCPU() async throws {
    let (url, model) = try TestSupport.localLLM()
    let client = OpenAIClient(endpoint: OpenAIEndpoint(baseURL: url, model: model, timeout: 120, maxRetries: 1))
    let request = ChatRequest(
      messages: [.user("Write a long story about a lighthouse keeper.")], maxTokens: 64, temperature: 0, seed: 3)
    let start = Date()
    let before = Self.processCPUSeconds()
    _ = try await client.chat(request)
    let used = Self.processCPUSeconds() - before
    let wall = Date().timeIntervalSince(start)
    print(String(format: "local model chat (max_tokens 64): wall %.2f s, process CPU %.3f s", wall, used))
    XCTAssertLessThan(used, 0.2 * wall + 0.3, "waiting \(wall) s for the model used \(used) s of CPU")
  }

  /// User plus system CPU time of this process in seconds.
  static func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }
}

import DRPCore
import DRPProtocol
import DRPServer
import DRPTestSupport
import Foundation
import XCTest

/// Size limits applied the same way by the CLI and by `drp serve`: LLM replies larger than the
/// request's `max_tokens` allows.
final class ServeLimitsTests: XCTestCase {
  /// The first sample user and a sample item.
  private func user(_ serve: ServeProcess) throws -> String {
    let listed = try serve.cli(["users", "list", "--limit", "1"]).stdout
    return try XCTUnwrap(listed.split(separator: "\t").first.map(String.init))
  }

  /// An LLM answering 300 KB to `max_tokens` 300: `drp generate`, `generate` over the socket and
  /// a streamed `generate` all fail with the same limit named (16 * 300 + 64 KiB bytes).
  func testOversizedLLMReplyFailsTheSameInCLIAndServer() throws {
    let huge = String(repeating: "word ", count: 60_000)
    let fake = try FakeHTTPServer { request, _ in
      if request.json["stream"] as? Bool == true {
        let delta = "data: {\"choices\":[{\"delta\":{\"content\":\"\(huge)\"}}]}\n\n"
        return .stream(pieces: [delta, "data: [DONE]\n\n"], delay: 0)
      }
      let body =
        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"\(huge)\"},\"finish_reason\":\"stop\"}]}"
      return .respond(status: 200, body: body)
    }
    let environment = ["DRP_LLM_URL": fake.baseURL, "DRP_LLM_MODEL": "fake", "DRP_REASONER_URL": ""]
    let serve = try ServeProcess(environment: environment)
    let user = try user(serve)
    let limit = "exceeds 81920 bytes"  // 16 bytes x the default max_tokens (1024) + 64 KiB

    let cli = try serve.cli(
      ["generate", user, "--item", "SI000000", "--mode", "nonp", "--retries", "0"], environment: environment)
    XCTAssertEqual(cli.status, 1, cli.stdout.prefix(200) + "")
    XCTAssertTrue(cli.stderr.contains(limit) && cli.stderr.contains("max_reply_bytes"), cli.stderr)

    let connection = try RawConnection(serve.tcp)
    for (id, stream) in [(1, false), (2, true)] {
      let reply = connection.call(
        "generate",
        ["user": .string(user), "item": "SI000000", "mode": "nonp", "retries": 0, "stream": .bool(stream)],
        id: .int(Int64(id)), timeout: .seconds(30))
      let message = reply?["error"]?["message"]?.string ?? "no error: \(String(describing: reply).prefix(200))"
      XCTAssertTrue(message.contains(limit) && message.contains("max_reply_bytes"), message)
    }
    XCTAssertEqual(connection.call("ping", id: 3)?["result"], ["pong": true], "the server keeps serving")
  }
}

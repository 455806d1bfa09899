import DRPCore
import Foundation
import XCTest

@testable import DRPOpenAI

/// `Wire.Completion.parse` reads what `JSONDecoder` reads, or declines (nil) so that the client
/// falls back to `JSONDecoder`: it never returns a different completion.
final class CompletionParseTests: XCTestCase {
  private func check(_ body: String, parses: Bool? = nil, file: StaticString = #filePath, line: UInt = #line) {
    let parsed = Wire.Completion.parse(Array(body.utf8))
    let decoded = try? JSONDecoder().decode(Wire.Completion.self, from: Data(body.utf8))
    if let parsed { XCTAssertEqual(parsed, decoded, body, file: file, line: line) }
    if let parses { XCTAssertEqual(parsed != nil, parses, body, file: file, line: line) }
  }

  func testRepliesOfRealServersParseAsJSONDecoderReadsThem() {
    check(FakeReplies.chat("Hello / \"world\" é 🙂\n\t\u{1}"), parses: true)
    check(FakeReplies.chat("", reasoning: "thinking first", finish: "length"), parses: true)
    check(String(decoding: Data(LoopbackBody.bytes), as: UTF8.self), parses: true)
    check(
      #"{"choices":[{"message":{"content":null,"reasoning_content":"r"},"finish_reason":null}],"usage":null}"#,
      parses: true)
    check(#"{"choices":[{"delta":{"content":"x"}}],"model":"m","extra":{"nested":[1,2,{"a":true}]}}"#, parses: true)
    check(#"{"error":{"message":"overloaded","code":503}}"#, parses: true)
    check(#"{}"#, parses: true)
    check(#"{"usage":{"prompt_tokens":7,"completion_tokens":0,"total_tokens":9223372036854775807}}"#, parses: true)
  }

  func testWhatItDeclinesIsLeftToJSONDecoder() {
    for body in [
      #"{"choices":"none"}"#, #"{"choices":[1]}"#, #"{"model":7}"#, #"{"usage":{"prompt_tokens":"7"}}"#,
      #"{"usage":{"prompt_tokens":7.0}}"#, #"{"usage":{"prompt_tokens":1e3}}"#, #"{"error":"text"}"#,
      #"{"choices":[{"message":{"content":["a"]}}]}"#, #"["not an object"]"#, #"{"a":1,"a":2}"#, "", "{", "nul",
      #"{"choices":[]} trailing"#,
    ] {
      check(body, parses: false)
    }
  }

  func testGeneratedBodiesNeverDisagree() {
    var random = SplitMix64(seed: 11)
    let values = [
      "null", "true", "0", "-3", "2.5", "1e2", #""""#, #""s\/\u00e9""#, "[]", "{}", #"["x"]"#, #"{"content":"c"}"#,
      #"{"message":{"content":"m"}}"#,
      #"[{"message":{"content":"m","reasoning_content":null},"finish_reason":"stop"}]"#,
      #"{"prompt_tokens":1,"completion_tokens":2}"#, #"{"message":"e"}"#,
    ]
    let keys = ["model", "choices", "usage", "error", "other"]
    for _ in 0..<2000 {
      let members = keys.filter { _ in random.next() % 2 == 0 }.map { key in
        "\"\(key)\":" + values[Int(random.next() % UInt64(values.count))]
      }
      check("{" + members.joined(separator: ",") + "}")
    }
  }
}

/// A reply as `drp-bench`'s loopback server writes it (content holding escaped JSON).
private enum LoopbackBody {
  static let bytes = Array(
    #"{"id":"c","object":"chat.completion","model":"loopback","choices":[{"index":0,"message":{"role":"assistant","content":"{\"dimensions\":[{\"name\":\"Tone\"}],\"kept\":[\"Tone\"]}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120}}"#
      .utf8)
}

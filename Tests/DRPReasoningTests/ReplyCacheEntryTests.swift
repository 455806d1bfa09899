import Foundation
import XCTest

@testable import DRPReasoning

/// The reply-cache entry is what `JSONEncoder` (`.sortedKeys`) writes for the reply, and reads back.
final class ReplyCacheEntryTests: XCTestCase {
  func testCacheEntryMatchesItsEncodableFormAndDecodes() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    let replies = [
      ChatModelReply(content: "{\"dimensions\": []} / done \u{1} é 🙂\n", finishReason: "stop", promptTokens: 7),
      ChatModelReply(content: "", truncatedReasoning: true, finishReason: nil, completionTokens: 4096),
      ChatModelReply(content: "a\\b\"c\u{8}\u{c}", finishReason: "length", promptTokens: 0, completionTokens: 1),
    ]
    for reply in replies {
      XCTAssertEqual(reply.cacheEntry, String(decoding: try encoder.encode(reply), as: UTF8.self))
      XCTAssertEqual(try JSONDecoder().decode(ChatModelReply.self, from: Data(reply.cacheEntry.utf8)), reply)
    }
  }
}

// `ModelOutput.codeFenceBodies`: fixed cases (CRLF, unclosed, info strings, four backticks,
// non-ASCII bodies) and agreement with a `Character`-based reference on generated replies.
import XCTest

@testable import DRPReasoning

final class CodeFenceTests: XCTestCase {
  func testFixedCases() {
    let cases: [(String, [String])] = [
      ("no fence here", []),
      ("```json\n{\"a\":1}\n```", ["{\"a\":1}\n"]),
      ("before ```json\n[1]\n``` middle ```\nx\n``` after", ["[1]\n", "x\n"]),
      ("```json\n{\"unclosed\": true}", ["{\"unclosed\": true}"]),
      ("``` json on the last line", []),
      ("```", []),
      ("``", []),
      ("`````\nbody\n```", ["body\n"]),
      ("```json\r\n{\"crlf\":1}\r\n```", ["{\"crlf\":1}\r\n"]),
      ("```\nÉté — 日本語 🎵\n```", ["Été — 日本語 🎵\n"]),
      ("``x```\nb```", ["b"]),
      ("```\n```\n```\n", ["", ""]),
    ]
    for (text, expected) in cases {
      XCTAssertEqual(ModelOutput.codeFenceBodies(text), expected, text.debugDescription)
    }
  }

  /// The `Character`-based scan the byte scan replaced; the two agree wherever no line ends in
  /// CRLF (one `Character`, so the old scan found no `\n` in it).
  private func reference(_ text: String) -> [String] {
    var bodies: [String] = []
    var rest = Substring(text)
    while let open = rest.firstRange(of: "```") {
      var body = rest[open.upperBound...]
      if let newline = body.firstIndex(of: "\n") { body = body[body.index(after: newline)...] } else { break }
      if let close = body.firstRange(of: "```") {
        bodies.append(String(body[..<close.lowerBound]))
        rest = body[close.upperBound...]
      } else {
        bodies.append(String(body))
        break
      }
    }
    return bodies
  }

  func testAgreesWithTheCharacterScanOnGeneratedReplies() {
    let pieces = ["`", "``", "```", "```json", "\n", " ", "{\"k\": [1, 2]}", "é", "日本", "🎵", "text", "}", "]"]
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Int(state % UInt64(bound))
    }
    for _ in 0..<3_000 {
      let text = (0..<next(24)).map { _ in pieces[next(pieces.count)] }.joined()
      XCTAssertEqual(ModelOutput.codeFenceBodies(text), reference(text), text.debugDescription)
    }
  }
}

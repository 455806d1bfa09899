import DRPReasoning
import Foundation
import XCTest

final class ProfileCodingTests: XCTestCase {
  func testDimensionDecodesLeniently() throws {
    let d = try JSONDecoder().decode(DifferenceDimension.self, from: Data(#"{"name": "Tone"}"#.utf8))
    XCTAssertEqual(
      d, DifferenceDimension(name: "Tone", definition: "", description: "", evidence: [], support: 1, sources: []))
    XCTAssertThrowsError(try JSONDecoder().decode(DifferenceDimension.self, from: Data(#"{"definition": "x"}"#.utf8)))
    XCTAssertThrowsError(try JSONDecoder().decode(DifferenceDimension.self, from: Data(#"{"name": 3}"#.utf8)))
  }

  func testProfileRoundTripAndCLIShape() throws {
    let profile = DifferenceProfile(
      userID: "u", mode: .dpl,
      dimensions: [
        DifferenceDimension(
          name: "A/B", definition: "d", description: "x", evidence: ["e"], support: 2, sources: ["i1"])
      ],
      summary: "s",
      provenance: ProfileProvenance(
        keyItems: ["i1"], peerIDs: ["p"], models: ["m"], promptVersions: ["extract_dpl.v1"], created: 5),
      stale: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    XCTAssertEqual(try JSONDecoder().decode(DifferenceProfile.self, from: encoder.encode(profile)), profile)
    XCTAssertEqual(
      String(decoding: try profile.cliJSON(), as: UTF8.self),
      #"{"dimensions":[{"definition":"d","description":"x","evidence":["e"],"name":"A/B","support":2}],"summary":"s"}"#)
    XCTAssertThrowsError(try JSONDecoder().decode(PipelineMode.self, from: Data(#""fancy""#.utf8)))
    XCTAssertEqual(PipelineMode.allCases.filter(\.usesProfile), [.dpl, .drp])
    XCTAssertEqual(PipelineMode.allCases.filter(\.usesHistory), [.rag, .dpl, .drp])
  }

  /// One document for `drp profile --json` and the `profile` method: the compact dimensions and
  /// summary, the run's stats, failures and reuse, and `target` even when null.
  func testProfileDocumentHasEveryDocumentedKey() throws {
    let profile = DifferenceProfile(
      userID: "u", mode: .drp,
      dimensions: [DifferenceDimension(name: "A", definition: "d", description: "x", evidence: ["e"], sources: ["i"])],
      summary: "s", differences: [KeyItemDifference(itemID: "i", text: "t")])
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let perUser = try XCTUnwrap(
      JSONSerialization.jsonObject(with: encoder.encode(ProfileDocument(ProfileResult(profile: profile, reused: true))))
        as? [String: Any])
    XCTAssertEqual(
      Set(perUser.keys),
      ["dimensions", "summary", "mode", "target", "differences", "provenance", "stats", "failures", "reused"])
    XCTAssertTrue(perUser["target"] is NSNull)
    XCTAssertEqual(perUser["reused"] as? Bool, true)
    XCTAssertEqual(
      (perUser["dimensions"] as? [[String: Any]])?.first?.keys.sorted(),
      [
        "definition", "description", "evidence", "name", "support",
      ])
    var targeted = profile
    targeted.target = "i9"
    let document = try XCTUnwrap(
      JSONSerialization.jsonObject(with: encoder.encode(ProfileDocument(ProfileResult(profile: targeted))))
        as? [String: Any])
    XCTAssertEqual(document["target"] as? String, "i9")
  }
}

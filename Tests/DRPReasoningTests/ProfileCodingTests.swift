import DRPReasoning
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
}

import DRPReasoning
import XCTest

final class DimensionMergerTests: XCTestCase {
  private func dim(_ name: String, _ description: String = "d", evidence: [String] = []) -> DifferenceDimension {
    DifferenceDimension(name: name, definition: "", description: description, evidence: evidence)
  }

  func testNameMatchingRule() {
    let m = DimensionMerger()
    XCTAssertTrue(m.sameDimension("Tone", "Emotional tone"))
    XCTAssertTrue(m.sameDimension("**Emotional Tone**", "emotion tones"))
    XCTAssertTrue(m.sameDimension("Exclamation usage", "Use of exclamations"))
    XCTAssertTrue(m.sameDimension("Vocabulary", "Lexical choice"))
    XCTAssertFalse(m.sameDimension("Emotional tone", "Emotional intensity"))
    XCTAssertFalse(m.sameDimension("Emotional style", "Emotional tone"))
    XCTAssertFalse(m.sameDimension("Writing style", "Semantic style"))
    XCTAssertFalse(m.sameDimension("Sentence length", "Review length"))
    XCTAssertEqual(DimensionMerger.nameTokens("Use of Exclamation Marks"), ["exclamation", "mark"])
  }

  func testSelfConsistencyThreshold() {
    let samples = [
      [dim("Tone", "warm", evidence: ["so cozy"]), dim("Humour")],
      [dim("Emotional tone", "warmer than peers", evidence: ["So cozy", "lovely"])],
      [dim("Emotional Tone"), dim("Length")],
      [dim("Formality")],
    ]
    let merged = DimensionMerger().mergeSamples(samples)  // n = 4 → needs 2 samples
    XCTAssertEqual(merged.map(\.name), ["Emotional tone"], "most frequent name ignoring case")
    XCTAssertEqual(merged[0].support, 3)
    XCTAssertEqual(merged[0].description, "warmer than peers", "longest description wins")
    XCTAssertEqual(merged[0].evidence, ["so cozy", "lovely"], "evidence de-duplicated ignoring case")
    XCTAssertEqual(DimensionMerger().mergeSamples(samples, minSupport: 1).count, 4)
    XCTAssertEqual(DimensionMerger().mergeSamples([[dim("A")], [dim("B")], [dim("A")]]).map(\.name), ["A"])
  }

  func testDuplicatesWithinOneSampleCountOnce() {
    let merged = DimensionMerger().mergeSamples(
      [[dim("Tone"), dim("Emotional tone")], [dim("Length")]], minSupport: 1)
    XCTAssertEqual(merged.first { $0.name == "Tone" }?.support, 1)
  }

  func testMergeItemsCountsItemsAndRanks() {
    let merged = DimensionMerger().mergeItems([
      (itemID: "A", dimensions: [dim("Length"), dim("Humour")]),
      (itemID: "B", dimensions: [dim("Review length"), dim("Humour")]),
      (itemID: "C", dimensions: [dim("Humour", evidence: ["ha"])]),
    ])
    XCTAssertEqual(merged.map(\.name), ["Humour", "Length"])
    XCTAssertEqual(merged.map(\.support), [3, 2])
    XCTAssertEqual(merged[0].sources, ["A", "B", "C"])
    XCTAssertEqual(merged[1].sources, ["A", "B"])
    XCTAssertEqual(DimensionMerger().mergeItems([(itemID: "A", dimensions: [dim("X")])], minSupport: 2), [])
  }
}

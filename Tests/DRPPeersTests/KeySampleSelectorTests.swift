import DRPPeers
import XCTest

final class KeySampleSelectorTests: XCTestCase {
  let history = [
    KeySampleCandidate(
      itemID: "i0", reviewTitle: "Great coffee grinder", itemDescription: "Burr coffee grinder, steel",
      otherReviewerCount: 5),
    KeySampleCandidate(
      itemID: "i1", reviewTitle: "Nice mug", itemDescription: "Ceramic coffee mug", otherReviewerCount: 10),
    KeySampleCandidate(
      itemID: "i2", reviewTitle: "Bad novel", itemDescription: "Mystery paperback", otherReviewerCount: 7),
    KeySampleCandidate(
      itemID: "i3", reviewTitle: "Coffee grinder burr", itemDescription: "Burr grinder", otherReviewerCount: 2),
    KeySampleCandidate(
      itemID: "target", reviewTitle: "Burr grinder", itemDescription: "Electric burr coffee grinder",
      otherReviewerCount: 20),
  ]
  let targetText = "Electric burr coffee grinder"

  func testBM25RankingFiltersRareItemsAndTheTarget() {
    let picks = KeySampleSelector(count: 2).select(targetItemID: "target", targetText: targetText, history: history)
    XCTAssertEqual(picks.map(\.itemID), ["i0", "i1"])
    XCTAssertEqual(picks.map(\.historyIndex), [0, 1])
    XCTAssertGreaterThan(picks[0].score, picks[1].score)
    let all = KeySampleSelector().select(targetItemID: "target", targetText: targetText, history: history)
    XCTAssertEqual(all.map(\.itemID), ["i0", "i1", "i2"])
    XCTAssertEqual(all[2].score, 0)
    let lenient = KeySampleSelector(count: 8, minOtherReviewers: 0)
      .select(targetItemID: "target", targetText: targetText, history: history)
    XCTAssertEqual(Set(lenient.map(\.itemID)), ["i0", "i1", "i2", "i3"])
    XCTAssertFalse(lenient.contains { $0.itemID == "target" })
  }

  func testEmbeddingRanking() {
    let vectors: [[Float]] = [[0, 1], [1, 0], [0.7, 0.7], [1, 0], [1, 0]]
    let picks = KeySampleSelector(count: 8).select(
      targetItemID: "target", targetText: "", history: history, ranking: .embedding(target: [1, 0], vectors: vectors))
    XCTAssertEqual(picks.map(\.itemID), ["i1", "i2", "i0"])
    XCTAssertEqual(picks[0].score, 1, accuracy: 1e-6)
  }

  func testEmptyHistory() {
    XCTAssertEqual(KeySampleSelector().select(targetItemID: "t", targetText: "anything", history: []), [])
  }
}

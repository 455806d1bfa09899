import DRPCore
import XCTest

final class BM25Tests: XCTestCase {
  // Documents: lengths 2, 3, 1 (avgdl = 2), N = 3.
  let bm25 = BM25(documents: [["a", "b"], ["b", "c", "c"], ["d"]])

  func testScoresMatchHandComputedValues() {
    // "c": n = 1, idf = ln(1 + 2.5 / 1.5); doc 1: tf 2, |D| = 3, norm = 1.2 * (0.25 + 0.75 * 1.5) = 1.65.
    let idfC = log(1 + 2.5 / 1.5)
    let scoresC = bm25.scores(query: ["c"])
    XCTAssertEqual(scoresC[0], 0)
    XCTAssertEqual(scoresC[1], idfC * 2 * 2.2 / (2 + 1.65), accuracy: 1e-12)
    XCTAssertEqual(scoresC[1], 1.1823695, accuracy: 1e-6)
    XCTAssertEqual(scoresC[2], 0)
    // "b": n = 2, idf = ln(1.6); doc 0: norm 1.2 → idf; doc 1: norm 1.65 → idf * 2.2 / 2.65.
    let scoresB = bm25.scores(query: ["b"])
    XCTAssertEqual(scoresB[0], log(1.6), accuracy: 1e-12)
    XCTAssertEqual(scoresB[1], log(1.6) * 2.2 / 2.65, accuracy: 1e-12)
    // Query terms add up; unknown terms contribute nothing.
    let combined = bm25.scores(query: ["b", "c", "zzz"])
    XCTAssertEqual(combined[1], scoresB[1] + scoresC[1], accuracy: 1e-12)
  }

  func testTopKOrdersByScoreThenIndex() {
    let top = bm25.topK(query: ["b"], k: 2)
    XCTAssertEqual(top.map(\.index), [0, 1])
    XCTAssertGreaterThan(top[0].score, top[1].score)
    XCTAssertEqual(bm25.topK(query: ["zzz"], k: 5).map(\.index), [0, 1, 2])
    XCTAssertEqual(bm25.topK(query: ["b"], k: 0).count, 0)
  }

  func testRareTermsWeighMoreAndEmptyCollections() {
    XCTAssertGreaterThan(bm25.idf("d"), bm25.idf("b"))
    XCTAssertEqual(BM25(documents: []).scores(query: ["a"]), [])
    XCTAssertEqual(BM25(documents: [[], []]).scores(query: ["a"]), [0, 0])
  }
}

import DRPPeers
import XCTest

final class PeerStrategyTests: XCTestCase {
  let target = PeerTarget(id: "me", userVector: [1, 0])

  func candidate(_ id: String, _ vector: [Float], similarity: Double? = nil) -> PeerCandidate {
    PeerCandidate(id: id, userVector: vector, reviewID: "r-\(id)", similarity: similarity)
  }

  func testNamedStrategies() {
    for name in PeerStrategies.names {
      XCTAssertEqual(PeerStrategies.named(name)?.name, name)
    }
    XCTAssertEqual(PeerStrategies.named("Nearest")?.name, "nearest")
    XCTAssertNil(PeerStrategies.named("random"))
  }

  func testNearestAndDiverseDiffer() {
    // a and b are identical and closest to the target; c is less similar but unlike a.
    let input = PeerSelectionInput(
      target: target, candidates: [candidate("c", [0.8, -0.6]), candidate("b", [1, 0.1]), candidate("a", [1, 0.1])])
    let nearest = NearestPeers().select(input, count: 2)
    XCTAssertEqual(nearest.map(\.id), ["a", "b"])
    XCTAssertEqual(nearest.map(\.reviewID), ["r-a", "r-b"])
    XCTAssertEqual(nearest[0].score, VectorMath.cosine([1, 0.1], [1, 0]), accuracy: 1e-9)
    XCTAssertEqual(DiversePeers().select(input, count: 2).map(\.id), ["a", "c"])
    // λ = 1 is pure relevance.
    XCTAssertEqual(DiversePeers(lambda: 1).select(input, count: 2).map(\.id), ["a", "b"])
  }

  func testGivenSimilarityOverridesUserVectorsAndTargetIsExcluded() {
    let input = PeerSelectionInput(
      target: target,
      candidates: [
        candidate("near", [1, 0], similarity: 0.1), candidate("far", [0, 1], similarity: 0.9),
        candidate("me", [1, 0], similarity: 1),
      ])
    XCTAssertEqual(NearestPeers().select(input, count: 5).map(\.id), ["far", "near"])
  }

  func testContrastiveMixesNearestAndFarthest() {
    let sims = [0.9, 0.7, 0.5, 0.3, 0.1]
    let input = PeerSelectionInput(
      target: target, candidates: sims.enumerated().map { candidate("p\($0.offset)", [1, 0], similarity: $0.element) })
    XCTAssertEqual(ContrastivePeers().select(input, count: 3).map(\.id), ["p0", "p1", "p4"])
    XCTAssertEqual(ContrastivePeers().select(input, count: 4).map(\.id), ["p0", "p1", "p4", "p3"])
    XCTAssertEqual(ContrastivePeers().select(input, count: 9).map(\.id).sorted(), ["p0", "p1", "p2", "p3", "p4"])
    XCTAssertEqual(ContrastivePeers().select(input, count: 1).map(\.id), ["p0"])
  }

  /// Review vectors in three tight groups: around x, around y and around z (the target's).
  func representativeInput(targetReview: [Float]?) -> PeerSelectionInput {
    func reviewer(_ id: String, _ review: [Float]) -> PeerCandidate {
      PeerCandidate(id: id, userVector: review, reviewVector: review, reviewID: "r-\(id)")
    }
    return PeerSelectionInput(
      target: PeerTarget(id: "me", userVector: [0, 0, 1], reviewVector: targetReview),
      candidates: [
        reviewer("x1", [1, 0.2, 0]), reviewer("x2", [1, 0, 0]), reviewer("x3", [1, -0.2, 0]),
        reviewer("y1", [0.2, 1, 0]), reviewer("y2", [0, 1, 0]), reviewer("y3", [-0.2, 1, 0]),
        reviewer("z1", [0, 0.3, 1]), reviewer("z2", [0, 0, 1]), reviewer("z3", [0, -0.2, 1]),
      ])
  }

  func testRepresentativeSkipsTheTargetsClusterAndTakesCentres() {
    let withTarget = RepresentativePeers().select(representativeInput(targetReview: [0, 0.05, 1]), count: 2)
    XCTAssertEqual(Set(withTarget.map(\.id)), ["x2", "y2"])
    XCTAssertEqual(Set(withTarget.compactMap(\.reviewID)), ["r-x2", "r-y2"])
    let withoutTarget = RepresentativePeers().select(representativeInput(targetReview: nil), count: 3)
    XCTAssertEqual(Set(withoutTarget.map(\.id)), ["x2", "y2", "z2"])
    XCTAssertEqual(RepresentativePeers().select(representativeInput(targetReview: nil), count: 3), withoutTarget)
  }

  func testRepresentativeFillsUpWhenClustersCollapse() {
    let same: [Float] = [1, 0]
    let input = PeerSelectionInput(
      target: PeerTarget(id: "me", userVector: same, reviewVector: same),
      candidates: (0..<5).map { PeerCandidate(id: "p\($0)", userVector: same, reviewVector: same) })
    let picks = RepresentativePeers().select(input, count: 3)
    XCTAssertEqual(picks.count, 3)
    XCTAssertEqual(Set(picks.map(\.id)).count, 3)
  }

  func testFewCandidatesAreAllReturnedByEveryStrategy() {
    let pool = [candidate("a", [1, 0]), candidate("b", [0, 1])]
    for name in PeerStrategies.names {
      let strategy = PeerStrategies.named(name)!
      for size in 0...2 {
        let input = PeerSelectionInput(target: target, candidates: Array(pool.prefix(size)))
        let picks = strategy.select(input, count: 3)
        XCTAssertEqual(picks.map(\.id).sorted(), pool.prefix(size).map(\.id), "\(name) with \(size) candidates")
      }
      XCTAssertEqual(strategy.select(PeerSelectionInput(target: target, candidates: pool), count: 0), [])
    }
  }
}

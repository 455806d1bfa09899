import DRPCore
import DRPPeers
import XCTest

final class KMeansTests: XCTestCase {
  /// Three well separated groups of five 2-D points.
  let groups: [[[Float]]] = [
    [[0, 0], [0.1, 0], [0, 0.1], [-0.1, 0], [0, -0.1]],
    [[10, 10], [10.1, 10], [10, 10.1], [9.9, 10], [10, 9.9]],
    [[-10, 10], [-10.1, 10], [-10, 10.1], [-9.9, 10], [-10, 9.9]],
  ]

  func testSplitMix64KnownOutputAndDeterminism() {
    var generator = SplitMix64(seed: 0)
    XCTAssertEqual(generator.next(), 0xE220_A839_7B1D_CDAF)
    var a = SplitMix64(seed: 7)
    var b = SplitMix64(seed: 7)
    XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
    let unit = a.nextUnit()
    XCTAssertTrue(unit >= 0 && unit < 1)
  }

  func testRecoversSeparatedClusters() {
    let points = groups.flatMap { $0 }
    for seed: UInt64 in [1, 2, 3, 99] {
      let result = KMeans(clusterCount: 3, seed: seed).fit(points)
      XCTAssertEqual(result.centroids.count, 3)
      let labels = (0..<3).map { group in Set(result.assignments[(group * 5)..<(group * 5 + 5)]) }
      XCTAssertTrue(labels.allSatisfy { $0.count == 1 }, "seed \(seed): a group was split")
      XCTAssertEqual(Set(labels.map { $0.first! }).count, 3, "seed \(seed): groups were merged")
      XCTAssertLessThan(result.inertia, 0.2)
      for (cluster, members) in result.members.enumerated() {
        XCTAssertEqual(members.count, 5)
        let centre = groups[members[0] / 5][0]
        XCTAssertEqual(result.centroids[cluster][0], centre[0], accuracy: 1e-5)
        XCTAssertEqual(result.centroids[cluster][1], centre[1], accuracy: 1e-5)
      }
    }
  }

  func testSameSeedSameResult() {
    let points: [[Float]] = (0..<40).map { (i: Int) -> [Float] in
      let a = Float(i % 7)
      let b = Float((i * 13) % 11)
      return [a, b, Float(i % 3)]
    }
    let first = KMeans(clusterCount: 4, seed: 42).fit(points)
    XCTAssertEqual(KMeans(clusterCount: 4, seed: 42).fit(points), first)
  }

  func testEdgeCases() {
    XCTAssertEqual(KMeans(clusterCount: 3).fit([]).assignments, [])
    // More clusters than points: one cluster per point.
    let two = KMeans(clusterCount: 5).fit([[0, 0], [1, 1]])
    XCTAssertEqual(two.centroids.count, 2)
    XCTAssertEqual(Set(two.assignments), [0, 1])
    // Identical points: no crash, every assignment valid, the iteration bound respected.
    let same = KMeans(clusterCount: 2, maxIterations: 5).fit([[1, 1], [1, 1], [1, 1], [1, 1]])
    XCTAssertTrue(same.assignments.allSatisfy { (0..<2).contains($0) })
    XCTAssertLessThanOrEqual(same.iterations, 5)
    XCTAssertEqual(same.inertia, 0)
  }
}

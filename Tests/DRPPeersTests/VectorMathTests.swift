import DRPPeers
import XCTest

final class VectorMathTests: XCTestCase {
  func testDotNormCosine() {
    let a: [Float] = (0..<19).map { Float($0) }
    let b: [Float] = (0..<19).map { Float(19 - $0) }
    let expected = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
    XCTAssertEqual(VectorMath.dot(a, b), expected, accuracy: 1e-3)
    XCTAssertEqual(VectorMath.norm([3, 4]), 5, accuracy: 1e-6)
    XCTAssertEqual(VectorMath.cosine([1, 0], [0, 1]), 0, accuracy: 1e-9)
    XCTAssertEqual(VectorMath.cosine([1, 1], [2, 2]), 1, accuracy: 1e-6)
    XCTAssertEqual(VectorMath.cosine([0, 0], [1, 1]), 0)
    XCTAssertEqual(VectorMath.normalized([0, 0]), [0, 0])
  }

  func testUserVectorMean() {
    XCTAssertEqual(UserVector.mean(of: []), [])
    let mean = UserVector.mean(of: [[1, 0], [0, 1]])
    XCTAssertEqual(mean[0], Float(0.5).squareRoot(), accuracy: 1e-6)
    XCTAssertEqual(mean[1], Float(0.5).squareRoot(), accuracy: 1e-6)
  }

  func testUserVectorRecencyWeighting() {
    // The older review is one half-life (10 days) older: weight 0.5 vs 1 → direction (0.5, 1).
    let tenDays: Int64 = 10 * 86_400
    let weighted = UserVector.mean(of: [[1, 0], [0, 1]], timestamps: [1_000, 1_000 + tenDays], halfLifeDays: 10)
    let expected = VectorMath.normalized([0.5, 1])
    XCTAssertEqual(weighted[0], expected[0], accuracy: 1e-6)
    XCTAssertEqual(weighted[1], expected[1], accuracy: 1e-6)
    // Without a half-life the timestamps are ignored.
    XCTAssertEqual(
      UserVector.mean(of: [[1, 0], [0, 1]], timestamps: [0, tenDays]), UserVector.mean(of: [[1, 0], [0, 1]]))
  }
}

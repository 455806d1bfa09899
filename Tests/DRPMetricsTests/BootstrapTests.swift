import XCTest

// Bootstrap intervals: seeded determinism, coverage of the estimate, parameter checks.
@testable import DRPMetrics

final class BootstrapTests: XCTestCase {
  let scores: [Double] = (0..<60).map { Double(($0 * 37) % 101) / 100 }

  func testSameSeedGivesSameInterval() throws {
    let first = try Bootstrap.meanInterval(scores, resamples: 1000, seed: 42)
    let second = try Bootstrap.meanInterval(scores, resamples: 1000, seed: 42)
    XCTAssertEqual(first, second)
    let other = try Bootstrap.meanInterval(scores, resamples: 1000, seed: 43)
    XCTAssertNotEqual(first, other)
    XCTAssertEqual(first.estimate, scores.reduce(0, +) / Double(scores.count), accuracy: 1e-12)
    XCTAssertLessThan(first.lower, first.estimate)
    XCTAssertGreaterThan(first.upper, first.estimate)
    // Standard error of the mean here is ≈ 0.037; a 95% interval spans about ±2 of them.
    XCTAssertEqual(first.upper - first.lower, 4 * 0.037, accuracy: 0.05)
  }

  func testConstantSampleHasZeroWidth() throws {
    let interval = try Bootstrap.meanInterval([0.3, 0.3, 0.3], resamples: 50, seed: 1)
    XCTAssertEqual(interval.lower, 0.3, accuracy: 1e-15)
    XCTAssertEqual(interval.upper, 0.3, accuracy: 1e-15)
  }

  func testBLEUIntervalResamplesPairStatistics() throws {
    let predictions = ["the cat sat on a mat", "it rained all day", "good value", "arrived broken and late"]
    let references = ["the cat sat on the mat", "it was raining all day long", "very good value", "it arrived late"]
    let statistics = zip(predictions, references).map { BLEU.statistics(prediction: $0, reference: $1) }
    let interval = try Bootstrap.bleuInterval(statistics, resamples: 200, seed: 7)
    XCTAssertEqual(
      interval.estimate, try BLEU.corpus(predictions: predictions, references: references), accuracy: 1e-12)
    XCTAssertLessThanOrEqual(interval.lower, interval.estimate)
    XCTAssertGreaterThanOrEqual(interval.upper, interval.estimate)
    XCTAssertEqual(interval, try Bootstrap.bleuInterval(statistics, resamples: 200, seed: 7))
  }

  func testRejectsBadInput() {
    XCTAssertThrowsError(try Bootstrap.meanInterval([])) { XCTAssertEqual($0 as? MetricsError, .emptySample) }
    XCTAssertThrowsError(try Bootstrap.meanInterval([1], resamples: 0)) {
      XCTAssertEqual($0 as? MetricsError, .invalidBootstrap(resamples: 0, confidence: 0.95))
      XCTAssertTrue("\($0)".contains("resamples"))
    }
    XCTAssertThrowsError(try Bootstrap.meanInterval([1], confidence: 1))
  }
}

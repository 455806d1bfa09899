// A mode's row of the report: DRPMetrics' intervals under the chosen options, and the costs summed.
import DRPEval
import DRPMetrics
import XCTest

final class ModeResultTests: XCTestCase {
  /// Every prediction against every reference: 16 pairs of varied overlap.
  private let pairs: [(String, String)] = {
    let predictions = [
      "The kettle boils water fast, and it whistles.", "A sturdy hose reel, easy to wind.",
      "Leaky fittings, don't buy.", "Great sound for the price!",
    ]
    let references = [
      "This kettle boils fast; the whistle is loud.", "The hose reel is sturdy and winds easily.",
      "The brass fittings leaked after a week.", "Good speakers, great sound, fair price.",
    ]
    return predictions.flatMap { prediction in references.map { (prediction, $0) } }
  }()

  private var samples: [EvalSample] {
    pairs.enumerated().map { index, pair in
      EvalSample(
        user: "u\(index)", item: "i", mode: .drp, reviewID: Int64(index), prediction: pair.0, reference: pair.1,
        llmCalls: index, tokens: 10 * index, seconds: Double(index), reasoningCalls: 1, reasoningTokens: 5)
    }
  }

  func testScoresAreTheMetricIntervalsUnderTheChosenOptions() throws {
    for options in [
      MetricOptions(), MetricOptions(meteorTokenizer: .treebank, rougeAggregation: .bootstrapMid),
    ] {
      let result = try ModeResult(
        mode: .drp, samples: samples, generatedNow: 1, seed: 3, resamples: 200, metrics: options)
      let expected = try MetricSuite.evaluate(
        pairs: pairs.map { (prediction: $0.0, reference: $0.1) }, tokenizer: options.meteorTokenizer
      ).intervals(resamples: 200, seed: 3, rougeAggregation: options.rougeAggregation)
      XCTAssertEqual(result.rouge1, expected.rouge1, "\(options)")
      XCTAssertEqual(result.rougeL, expected.rougeL, "\(options)")
      XCTAssertEqual(result.meteor, expected.meteor, "\(options)")
      XCTAssertEqual(result.bleu, expected.bleu, "\(options)")
    }
    let mean = try ModeResult(mode: .drp, samples: samples, generatedNow: 1, seed: 3, resamples: 200)
    let mid = try ModeResult(
      mode: .drp, samples: samples, generatedNow: 1, seed: 3, resamples: 200,
      metrics: MetricOptions(rougeAggregation: .bootstrapMid))
    XCTAssertNotEqual(mean.rouge1, mid.rouge1, "the ROUGE aggregation reaches the scores")
  }

  func testCostsAreSummedAndAnEmptyModeIsRefused() throws {
    let result = try ModeResult(mode: .drp, samples: samples, generatedNow: 1, seed: 0, resamples: 50)
    XCTAssertEqual(result.samples, 16)
    XCTAssertEqual(result.llmCalls, 120)  // 0 + 1 + ... + 15
    XCTAssertEqual(result.tokens, 1200)
    XCTAssertEqual(result.wallSeconds, 120)
    XCTAssertEqual(result.reasoningCalls, 16)
    XCTAssertEqual(result.reasoningTokens, 80)
    XCTAssertEqual(result.newSamples, 1)
    XCTAssertThrowsError(try ModeResult(mode: .drp, samples: [], generatedNow: 0, seed: 0, resamples: 50)) {
      XCTAssertEqual($0 as? MetricsError, .emptySample)
    }
  }
}

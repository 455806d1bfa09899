import XCTest

// The scoring options that follow the papers' evaluation scripts: METEOR over NLTK word_tokenize's
// Treebank rules, and ROUGE as rouge-score's BootstrapAggregator reports it, against the fixture.
@testable import DRPMetrics

final class ParityOptionTests: XCTestCase {
  func testTreebankTokensMatchNLTKWordTokenize() throws {
    let fixture = try MetricsFixture.load()
    XCTAssertGreaterThan(fixture.treebank.count, 25)
    for entry in fixture.treebank {
      XCTAssertEqual(TreebankTokenizer.wordTokenize(entry.text), entry.tokens, entry.text.debugDescription)
    }
    var differ = 0
    for (index, pair) in fixture.pairs.enumerated() {
      XCTAssertEqual(TreebankTokenizer.wordTokenize(pair.prediction), pair.treebankPrediction, "pair \(index)")
      XCTAssertEqual(TreebankTokenizer.wordTokenize(pair.reference), pair.treebankReference, "pair \(index)")
      if pair.treebankPrediction != PythonText.split(pair.prediction) { differ += 1 }
    }
    XCTAssertGreaterThan(differ, 50, "the Treebank rules split punctuation that whitespace keeps")
  }

  func testTreebankMETEORMatchesNLTKPerPairAndCorpus() throws {
    let fixture = try MetricsFixture.load()
    let pairs = fixture.pairs.map { ($0.prediction, $0.reference) }
    let report = MetricSuite.evaluate(pairs: pairs, wordNet: nil, tokenizer: .treebank)
    for (index, pair) in fixture.pairs.enumerated() {
      XCTAssertEqual(report.meteorPerPair[index], pair.meteorTreebank, accuracy: 1e-9, "pair \(index)")
    }
    XCTAssertEqual(report.meteor, fixture.corpus.meteorTreebank, accuracy: 1e-9)
    XCTAssertNotEqual(
      report.meteor, MetricSuite.evaluate(pairs: pairs, wordNet: nil).meteor, "the tokeniser changes the score")
    let wordNet = try SystemWordNet.load()
    let withSynonyms = MetricSuite.evaluate(pairs: pairs, wordNet: wordNet, tokenizer: .treebank)
    for (index, pair) in fixture.pairs.enumerated() {
      let want = try XCTUnwrap(pair.meteorTreebankWordNet)
      XCTAssertEqual(withSynonyms.meteorPerPair[index], want, accuracy: 1e-9, "pair \(index)")
    }
    XCTAssertEqual(withSynonyms.meteor, try XCTUnwrap(fixture.corpus.meteorTreebankWordNet), accuracy: 1e-9)
    // What Punkt's sentence splitting would add (docs/METRICS.md): most of the whitespace gap is closed.
    if let punkt = fixture.corpus.meteorPunkt {
      XCTAssertLessThan(report.meteor, punkt)
      XCTAssertLessThan(punkt - report.meteor, 0.015)
      XCTAssertLessThan(punkt - report.meteor, (punkt - fixture.corpus.meteor) / 2)
    }
  }

  /// The aggregation arithmetic is exact on the same resamples; rouge-score's own (unseeded) draws land
  /// within bootstrap noise of it.
  func testBootstrapMidMatchesTheAggregator() throws {
    let fixture = try MetricsFixture.load()
    let report = MetricSuite.evaluate(pairs: fixture.pairs.map { ($0.prediction, $0.reference) }, wordNet: nil)
    for (scores, want) in [
      (report.rouge1PerPair, fixture.corpus.rouge1BootstrapMid),
      (report.rougeLPerPair, fixture.corpus.rougeLBootstrapMid),
    ] {
      let got = try Bootstrap.midInterval(scores, seed: 0)
      XCTAssertEqual(got.estimate, want.estimate, accuracy: 1e-12)
      XCTAssertEqual(got.lower, want.lower, accuracy: 1e-12)
      XCTAssertEqual(got.upper, want.upper, accuracy: 1e-12)
    }
    let mid = try Bootstrap.midInterval(report.rouge1PerPair, seed: 0).estimate
    for draw in fixture.corpus.rougeScoreAggregatorMid {
      XCTAssertEqual(draw.rouge1, mid, accuracy: 0.005, "within bootstrap noise of rouge-score's own draws")
    }
    XCTAssertNotEqual(mid, report.rouge1, "the bootstrap median is not the plain mean")
  }

  func testPercentileInterpolatesLikeNumPy() {
    let values = [1.0, 2, 4, 8]
    XCTAssertEqual(Bootstrap.percentile(values, 0.5), 3)
    XCTAssertEqual(Bootstrap.percentile(values, 0), 1)
    XCTAssertEqual(Bootstrap.percentile(values, 1), 8)
    XCTAssertEqual(Bootstrap.percentile(values, 0.25), 1.75)  // position 0.75 between 1 and 2
    XCTAssertEqual(Bootstrap.percentile([5], 0.3), 5)
  }

  /// The intervals score ROUGE by the chosen aggregation and METEOR by the chosen tokeniser; BLEU
  /// depends on neither.
  func testIntervalsFollowTheOptions() throws {
    let fixture = try MetricsFixture.load()
    let pairs = fixture.pairs.map { (prediction: $0.prediction, reference: $0.reference) }
    let plain = try MetricSuite.evaluate(pairs: pairs).intervals(resamples: 1000, seed: 0, rougeAggregation: .mean)
    let paper = try MetricSuite.evaluate(pairs: pairs, tokenizer: .treebank)
      .intervals(resamples: 1000, seed: 0, rougeAggregation: .bootstrapMid)
    XCTAssertEqual(paper.rouge1.estimate, fixture.corpus.rouge1BootstrapMid.estimate, accuracy: 1e-12)
    XCTAssertEqual(plain.rouge1.estimate, fixture.corpus.rouge1, accuracy: 1e-12)
    XCTAssertEqual(plain.bleu, paper.bleu, "BLEU does not depend on the options")
    XCTAssertNotEqual(plain.meteor.estimate, paper.meteor.estimate)
  }
}

import XCTest

// Small cases worked out by hand: tokenisation, LCS, n-gram clipping, brevity penalty, empty inputs.
@testable import DRPMetrics

final class HandCheckedMetricTests: XCTestCase {
  func testROUGETokenizerLowercasesAndSplitsOnNonAlphanumerics() {
    XCTAssertEqual(ROUGETokenizer.tokens("Don't STOP—it's 4.5/5!"), ["don", "t", "stop", "it", "s", "4", "5", "5"])
    XCTAssertEqual(ROUGETokenizer.tokens("Café naïve"), ["caf", "na", "ve"])
    XCTAssertEqual(ROUGETokenizer.tokens(" \t\n…!? "), [])
    XCTAssertEqual(ROUGETokenizer.tokens(""), [])
  }

  func testROUGELUsesLongestCommonSubsequence() {
    // LCS of "a b c d e" and "a c e x" is "a c e": P = 3/4, R = 3/5.
    let scores = ROUGE.detailedScores(prediction: "a c e x", reference: "a b c d e")
    XCTAssertEqual(scores.rougeL.precision, 0.75)
    XCTAssertEqual(scores.rougeL.recall, 0.6)
    XCTAssertEqual(scores.rougeL.f1, 2 * 0.75 * 0.6 / 1.35, accuracy: 1e-15)
    // Order matters for ROUGE-L but not ROUGE-1.
    let reversed = ROUGE.scores(prediction: "e d c b a", reference: "a b c d e")
    XCTAssertEqual(reversed.rouge1, 1)
    XCTAssertEqual(reversed.rougeL, 0.2, accuracy: 1e-15)
  }

  func testROUGE1ClipsRepeatedWords() {
    // "the" ×5 against a reference with two "the": 2 matches; P = 2/5, R = 2/6.
    let scores = ROUGE.detailedScores(prediction: "the the the the the", reference: "the cat sat on the mat")
    XCTAssertEqual(scores.rouge1.precision, 0.4)
    XCTAssertEqual(scores.rouge1.recall, 2.0 / 6.0)
  }

  func testROUGEEmptyInputsScoreZero() {
    for (prediction, reference) in [("", "some words"), ("some words", ""), ("", ""), ("!!!", "...")] {
      let scores = ROUGE.scores(prediction: prediction, reference: reference)
      XCTAssertEqual(scores.rouge1, 0)
      XCTAssertEqual(scores.rougeL, 0)
    }
    XCTAssertEqual(ROUGE.scores(prediction: "Same text.", reference: "same TEXT").rougeL, 1)
  }

  func testBLEUTokenizer13aSplitsPunctuationButKeepsNumbers() {
    XCTAssertEqual(
      BLEUTokenizer13a.tokens("Hello, world. It costs $3.50-4, \"ok\" (no)..."),
      [
        "Hello", ",", "world", ".", "It", "costs", "$", "3.50", "-", "4", ",", "\"", "ok", "\"", "(", "no", ")", ".",
        ".", ".",
      ])
    XCTAssertEqual(BLEUTokenizer13a.tokens("&quot;A&quot; &amp; B"), ["\"", "A", "\"", "&", "B"])
    XCTAssertEqual(BLEUTokenizer13a.tokens("don't stop-\nnow"), ["don't", "stopnow"])
    XCTAssertEqual(BLEUTokenizer13a.tokens(" \u{00A0}\t "), [])
  }

  func testBLEUClipsCountsAndSmoothsExponentially() {
    // 1 clipped unigram match of 4; no higher-order matches: precisions 25, 100/(2·3), 100/(4·2), 100/(8·1).
    let stats = BLEU.statistics(prediction: "the the the the", reference: "the cat is here")
    XCTAssertEqual(stats.correct, [1, 0, 0, 0])
    XCTAssertEqual(stats.total, [4, 3, 2, 1])
    let expected = pow(25.0 * (100.0 / 6.0) * 12.5 * 12.5, 0.25)
    XCTAssertEqual(
      try BLEU.corpus(predictions: ["the the the the"], references: ["the cat is here"]), expected, accuracy: 1e-9)
  }

  func testBLEUBrevityPenaltyAndMissingOrders() {
    // 3 tokens against 6: BP = exp(1 − 6/3) = e⁻¹. No 4-grams exist, so corpus BLEU (no effective order) is 0,
    // while sentence BLEU (effective order 3, all precisions 100) is 100·e⁻¹.
    XCTAssertEqual(try BLEU.corpus(predictions: ["the cat sat"], references: ["the cat sat on the mat"]), 0)
    XCTAssertEqual(
      BLEU.sentence(prediction: "the cat sat", reference: "the cat sat on the mat"), 100 * exp(-1), accuracy: 1e-12)
    XCTAssertEqual(BLEU.sentence(prediction: "a b c d e", reference: "a b c d e"), 100, accuracy: 1e-12)
    XCTAssertEqual(BLEU.sentence(prediction: "", reference: "a b c d e"), 0)
    XCTAssertEqual(BLEU.sentence(prediction: "a b c d e", reference: ""), 0)
    XCTAssertEqual(try BLEU.corpus(predictions: [], references: []), 0)
  }

  func testBLEUCorpusRejectsMismatchedCounts() {
    XCTAssertThrowsError(try BLEU.corpus(predictions: ["a"], references: [])) { error in
      XCTAssertEqual(error as? MetricsError, .countMismatch(predictions: 1, references: 0))
      XCTAssertTrue("\(error)".contains("1 predictions and 0 references"))
    }
  }

  func testBLEUStatisticsAddUpToCorpus() throws {
    let predictions = ["the cat sat on a mat", "it rained all day", "good"]
    let references = ["the cat sat on the mat", "it was raining all day long", "very good"]
    let summed = zip(predictions, references).map { BLEU.statistics(prediction: $0, reference: $1) }.reduce(
      BLEU.Statistics(), +)
    XCTAssertEqual(summed.predictionLength, 11)
    XCTAssertEqual(summed.referenceLength, 14)
    XCTAssertEqual(BLEU.score(summed), try BLEU.corpus(predictions: predictions, references: references))
  }

  func testMETEORMatchesNLTKDoctestWithoutSynonyms() {
    // NLTK's doctest pair; without WordNet synonyms NLTK also gives 0.69444… (no synonym is needed there).
    let hypothesis = "It is a guide to action which ensures that the military always obeys the commands of the party"
    let reference = "It is a guide to action that ensures that the military will forever heed Party commands"
    XCTAssertEqual(
      METEOR.score(prediction: hypothesis, reference: reference, wordNet: nil), 0.6944444444444445, accuracy: 1e-15)
  }

  func testMETEORSynonymStage() throws {
    let wordNet = try SystemWordNet.load()
    // "ok" and "fine" share a synset: 1 match of 1, P = R = 1, one chunk: 1 − 0.5.
    XCTAssertEqual(METEOR.score(prediction: "ok", reference: "fine", wordNet: wordNet), 0.5, accuracy: 1e-15)
    XCTAssertEqual(METEOR.score(prediction: "ok", reference: "fine", wordNet: nil), 0)
    // Synonyms of the hypothesis word's stem must equal the reference word's stem: "fast" lists "quick"; two
    // matches in one chunk: 1 − 0.5·(1/2)³ (NLTK: 0.9375). "big" lists "large", but "large" stems to "larg",
    // so NLTK finds only "cast": 1 of 2 words, P = R = 1/2, one chunk, 0.5 − 0.25 = 0.25.
    XCTAssertEqual(
      METEOR.score(prediction: "fast cast", reference: "quick cast", wordNet: wordNet), 1 - 0.5 / 8, accuracy: 1e-15)
    XCTAssertEqual(
      METEOR.score(prediction: "big cast", reference: "large cast", wordNet: wordNet), 0.25, accuracy: 1e-15)
    // A synonym match takes the highest free reference position: "fast" pairs with the second "quick", after
    // "cast" matched exactly, so the alignment is (0,2), (1,1) — two chunks, as "a c" against "x c a".
    XCTAssertEqual(
      METEOR.score(prediction: "fast cast", reference: "quick cast quick", wordNet: wordNet),
      METEOR.score(prediction: "a c", reference: "x c a", wordNet: nil), accuracy: 1e-15)
    XCTAssertNotEqual(
      METEOR.score(prediction: "fast cast", reference: "quick cast quick", wordNet: wordNet),
      METEOR.score(prediction: "a c", reference: "a c x", wordNet: nil))
  }

  func testMETEORStemStageAndFragmentation() {
    // Exact "the", stem "cats"/"cat" and "running"/"run": 3 matches in one chunk; P = R = 1.
    // fmean = 1, penalty = 0.5·(1/3)³ → 1 − 1/54.
    XCTAssertEqual(
      METEOR.score(prediction: "the cats running", reference: "The cat run"), 1 - 1.0 / 54, accuracy: 1e-15)
    // Reversed order: 3 chunks of 1, penalty 0.5.
    XCTAssertEqual(METEOR.score(prediction: "c b a", reference: "a b c"), 0.5, accuracy: 1e-15)
    XCTAssertEqual(METEOR.score(prediction: "", reference: "a b"), 0)
    XCTAssertEqual(METEOR.score(prediction: "x y", reference: "a b"), 0)
    XCTAssertEqual(METEOR.score(prediction: "a b", reference: ""), 0)
  }

  func testPorterStemmerNLTKExtensions() {
    let cases = [
      "skies": "sky", "dying": "die", "ties": "tie", "cried": "cri", "died": "die", "owing": "owe",
      "radically": "radic", "hopefully": "hope", "apology": "apolog", "cry": "cri", "news": "news",
      "proceed": "proceed", "by": "by", "Running": "run", "generalizations": "gener",
    ]
    for (word, stem) in cases { XCTAssertEqual(PorterStemmer.stem(word), stem, word) }
  }

  func testMetricSuiteOnEmptyInput() {
    let report = MetricSuite.evaluate(pairs: [])
    XCTAssertEqual(report.count, 0)
    XCTAssertEqual([report.rouge1, report.rougeL, report.meteor, report.bleu], [0, 0, 0, 0])
  }
}

// Loads Benchmarks/metrics/metrics_fixture.json: reference scores computed by make_fixture.py.
import DRPTestSupport
import Foundation

/// The fixture written by Benchmarks/metrics/make_fixture.py (rouge-score, NLTK, sacreBLEU outputs).
struct MetricsFixture: Decodable {
  /// Precision, recall and F1 as rouge-score reports them.
  struct ROUGEValues: Decodable {
    var precision: Double
    var recall: Double
    var f1: Double
  }

  /// One pair with its reference scores.
  struct Pair: Decodable {
    var prediction: String
    var reference: String
    var rouge1: ROUGEValues
    var rougeL: ROUGEValues
    var meteor: Double
    var meteorWordNet: Double?
    var bleuSentence: Double
    /// `word_tokenize(prediction, preserve_line=True)` and the same of the reference.
    var treebankPrediction: [String]
    var treebankReference: [String]
    /// METEOR of those tokens without and with WordNet.
    var meteorTreebank: Double
    var meteorTreebankWordNet: Double?
  }

  /// A bootstrap interval as the fixture records it.
  struct Interval: Decodable {
    var lower: Double
    var estimate: Double
    var upper: Double
  }

  /// rouge-score's own `BootstrapAggregator` mid F1 under one NumPy seed.
  struct AggregatorMid: Decodable {
    var rouge1: Double
    var rougeL: Double
  }

  /// A text and its `word_tokenize(text, preserve_line=True)` tokens.
  struct Treebank: Decodable {
    var text: String
    var tokens: [String]
  }

  /// Corpus-level reference scores.
  struct Corpus: Decodable {
    var rouge1: Double
    var rougeL: Double
    var meteor: Double
    var meteorWordNet: Double?
    var bleu: Double
    var meteorTreebank: Double
    var meteorTreebankWordNet: Double?
    /// METEOR on NLTK's full `word_tokenize` (Punkt first), when the generator had the Punkt parameters.
    var meteorPunkt: Double?
    /// The BootstrapAggregator arithmetic on SplitMix64(0) resamples (what `Bootstrap.midInterval` computes).
    var rouge1BootstrapMid: Interval
    var rougeLBootstrapMid: Interval
    /// rouge-score's aggregator itself with NumPy seeds 0...4.
    var rougeScoreAggregatorMid: [AggregatorMid]
  }

  /// A word and NLTK's PorterStemmer output for it.
  struct Stem: Decodable {
    var word: String
    var stem: String
  }

  /// NLTK's WordNet outputs (recorded only when the generator had WordNet).
  struct WordNetRecords: Decodable {
    /// `wordnet._morphy(word, pos)`.
    struct Morphy: Decodable {
      var word: String
      var pos: String
      var forms: [String]
    }

    /// `[lemma.name() for synset in wordnet.synsets(word) for lemma in synset.lemmas()]`.
    struct LemmaNames: Decodable {
      var word: String
      var lemmaNames: [String]
    }

    /// The synonym set NLTK's METEOR builds for a stemmed hypothesis word (sorted).
    struct Synonyms: Decodable {
      var word: String
      var synonyms: [String]
    }

    var morphy: [Morphy]
    var lemmaNames: [LemmaNames]
    var meteorSynonyms: [Synonyms]
  }

  var versions: [String: String]
  var corpus: Corpus
  var pairs: [Pair]
  var stems: [Stem]
  var treebank: [Treebank]
  var wordnet: WordNetRecords?

  /// Where the fixture lives in the checkout.
  static let url = TestSupport.packageRoot.appendingPathComponent("Benchmarks/metrics/metrics_fixture.json")

  /// The decoded fixture.
  static func load() throws -> MetricsFixture {
    try JSONDecoder().decode(MetricsFixture.self, from: Data(contentsOf: url))
  }
}

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
  }

  /// Corpus-level reference scores.
  struct Corpus: Decodable {
    var rouge1: Double
    var rougeL: Double
    var meteor: Double
    var meteorWordNet: Double?
    var bleu: Double
  }

  /// A word and NLTK's PorterStemmer output for it.
  struct Stem: Decodable {
    var word: String
    var stem: String
  }

  var versions: [String: String]
  var corpus: Corpus
  var pairs: [Pair]
  var stems: [Stem]

  /// Where the fixture lives in the checkout.
  static let url = TestSupport.packageRoot.appendingPathComponent("Benchmarks/metrics/metrics_fixture.json")

  /// The decoded fixture.
  static func load() throws -> MetricsFixture {
    try JSONDecoder().decode(MetricsFixture.self, from: Data(contentsOf: url))
  }
}

import Foundation
import XCTest

// The system WordNet database (Debian's wordnet-base) for tests, or a skip that says how to get it.
@testable import DRPMetrics

/// Loads /usr/share/wordnet once for all tests.
enum SystemWordNet {
  private static let loaded = Result { () throws(WordNetError) in try WordNet(directory: WordNet.defaultDirectory) }

  /// The database, or an `XCTSkip` when it is not installed (a load error fails the test).
  static func load() throws -> WordNet {
    let marker = (WordNet.defaultDirectory as NSString).appendingPathComponent("data.noun")
    guard FileManager.default.fileExists(atPath: marker) else {
      throw XCTSkip("\(WordNet.defaultDirectory) is absent (apt-get install wordnet-base); skipping WordNet test")
    }
    return try loaded.get()
  }

  /// The fixture's NLTK WordNet records, or an `XCTSkip` when the fixture was generated without WordNet.
  static func records(_ fixture: MetricsFixture) throws -> MetricsFixture.WordNetRecords {
    guard let records = fixture.wordnet else { throw XCTSkip("fixture was generated without WordNet") }
    return records
  }
}

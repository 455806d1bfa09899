import DRPTestSupport
import Foundation
import Synchronization
import XCTest

// The WordNet reader against NLTK's outputs (fixture) and on small hand-made databases, including bad input.
@testable import DRPMetrics

final class WordNetTests: XCTestCase {
  // MARK: against NLTK on the system database

  func testMorphyMatchesNLTK() throws {
    let wordNet = try SystemWordNet.load()
    let records = try SystemWordNet.records(try MetricsFixture.load())
    XCTAssertGreaterThan(records.morphy.count, 100)
    for record in records.morphy {
      let pos = try XCTUnwrap(WordNet.PartOfSpeech(rawValue: record.pos))
      XCTAssertEqual(wordNet.morphy(record.word, pos: pos), record.forms, "morphy(\(record.word), \(record.pos))")
    }
  }

  func testMorphyExceptionsAndSuffixRules() throws {
    let wordNet = try SystemWordNet.load()
    // Exception lists: the rules are not applied to a listed form.
    XCTAssertEqual(wordNet.morphy("geese", pos: .noun), ["goose"])
    XCTAssertEqual(wordNet.morphy("ran", pos: .verb), ["run"])
    XCTAssertEqual(wordNet.morphy("better", pos: .adjective), ["better", "good", "well"])
    // Suffix rules, each candidate kept only if the index has it.
    XCTAssertEqual(wordNet.morphy("churches", pos: .noun), ["church"])
    XCTAssertEqual(wordNet.morphy("aardwolves", pos: .noun), ["aardwolf"])
    XCTAssertEqual(wordNet.morphy("hoped", pos: .verb), ["hope", "hop"])  // "ed"→"e", then "ed"→""
    XCTAssertEqual(wordNet.morphy("xyzzy", pos: .noun), [])
    XCTAssertEqual(wordNet.morphy("quickly", pos: .adverb), ["quickly"])
  }

  func testLemmaNamesMatchNLTKInOrder() throws {
    let wordNet = try SystemWordNet.load()
    let records = try SystemWordNet.records(try MetricsFixture.load())
    XCTAssertTrue(records.lemmaNames.contains { $0.lemmaNames.contains { $0.contains("_") } })
    XCTAssertTrue(records.lemmaNames.contains { $0.lemmaNames.contains { $0 != $0.lowercased() } })
    for record in records.lemmaNames {
      XCTAssertEqual(wordNet.lemmaNames(record.word), record.lemmaNames, "synsets(\(record.word))")
    }
  }

  func testMETEORSynonymSetsMatchNLTKOverTheFixtureVocabulary() throws {
    let wordNet = try SystemWordNet.load()
    let fixture = try MetricsFixture.load()
    let records = try SystemWordNet.records(fixture)
    XCTAssertGreaterThan(records.meteorSynonyms.count, 300)
    var withSynonyms = 0
    for record in records.meteorSynonyms {
      let got = wordNet.meteorSynonyms(of: record.word).sorted()
      XCTAssertEqual(got, record.synonyms, "synonyms of \(record.word)")
      if got.count > 1 { withSynonyms += 1 }
    }
    XCTAssertGreaterThan(withSynonyms, 100, "most review words have WordNet synonyms")
  }

  /// The default database loads and answers. Its load time is a benchmark figure (`drp-bench
  /// metrics`, BENCHMARKS.md), not a unit-test bound: a debug build under load measured 0.57-1.3 s.
  func testLoadsTheDefaultDatabase() throws {
    _ = try SystemWordNet.load()
    let wordNet = try WordNet(directory: WordNet.defaultDirectory)
    XCTAssertFalse(wordNet.lemmaNames("dog").isEmpty)
    XCTAssertTrue(wordNet.lemmaNames("dog").contains("domestic_dog"), "\(wordNet.lemmaNames("dog"))")
  }

  /// `WordNet.shared` loads `configuredDirectory` once for all threads; when it cannot (run the tests with
  /// DRP_WORDNET_DIR set to an empty directory), METEOR and the report say the synonym stage is off.
  func testSharedDatabaseFollowsConfiguredDirectory() throws {
    let loadable = (try? WordNet(directory: WordNet.configuredDirectory)) != nil
    let identities = Mutex<[ObjectIdentifier?]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let identity = (try? WordNet.shared.get()).map(ObjectIdentifier.init)
      identities.withLock { $0.append(identity) }
    }
    let seen = identities.withLock { $0 }
    XCTAssertEqual(seen.count, 8)
    XCTAssertEqual(Set(seen).count, 1, "one shared instance")
    XCTAssertEqual(seen[0] != nil, loadable)
    XCTAssertEqual(METEOR.synonymStageAvailable, loadable)
    XCTAssertEqual(MetricSuite.evaluate(pairs: [("ok", "fine")]).meteorSynonymStage, loadable)
    XCTAssertEqual(METEOR.score(prediction: "ok", reference: "fine") > 0, loadable)
  }

  // MARK: hand-made databases

  func testHandMadeDatabase() throws {
    let directory = try TemporaryDirectory()
    try MiniWordNet(
      noun: [["Dog", "domestic_dog", "dog"], ["hound(p)", "dog"]],
      adjective: [["galore(ip)", "abundant"]],
      nounExceptions: "mice mouse\ndogges dog\ndogges hound\n"
    ).write(to: directory.url.path)
    let wordNet = try WordNet(directory: directory.url.path)
    XCTAssertEqual(wordNet.lemmaNames("dog"), ["Dog", "domestic_dog", "dog", "hound", "dog"])
    XCTAssertEqual(wordNet.lemmaNames("DOGS"), ["Dog", "domestic_dog", "dog", "hound", "dog"])
    XCTAssertEqual(wordNet.lemmaNames("galore"), ["galore", "abundant"])
    // A repeated exception line replaces the earlier one, as in NLTK's dict.
    XCTAssertEqual(wordNet.morphy("dogges", pos: .noun), ["hound"])
    XCTAssertEqual(wordNet.morphy("mice", pos: .noun), [])
    // Capitalised names stay, names with `_` are not METEOR synonyms, and the word itself always is.
    XCTAssertEqual(wordNet.meteorSynonyms(of: "dogs"), ["Dog", "dog", "dogs", "hound"])
    XCTAssertEqual(wordNet.meteorSynonyms(of: "cat"), ["cat"])
  }

  func testUnsortedIndexIsSearchable() throws {
    let directory = try TemporaryDirectory()
    try MiniWordNet(noun: [["zebra"], ["apple"], ["mango"]], sortIndex: false).write(to: directory.url.path)
    let wordNet = try WordNet(directory: directory.url.path)
    for word in ["apple", "mango", "zebra"] { XCTAssertEqual(wordNet.lemmaNames(word), [word]) }
  }

  func testMETEORFallsBackWithoutDatabase() throws {
    let empty = try TemporaryDirectory()
    XCTAssertThrowsError(try WordNet(directory: empty.url.path)) { error in
      guard case .unreadableFile(let path)? = error as? WordNetError else { return XCTFail("\(error)") }
      XCTAssertTrue(path.hasPrefix(empty.url.path))
      XCTAssertTrue("\(error)".contains("wordnet-base"))
    }
    let report = MetricSuite.evaluate(pairs: [("ok", "fine")], wordNet: nil)
    XCTAssertFalse(report.meteorSynonymStage)
    XCTAssertEqual(report.meteor, 0)
  }

  func testConfiguredDirectoryHonoursEnvironment() throws {
    let previous = ProcessInfo.processInfo.environment["DRP_WORDNET_DIR"]
    defer {
      if let previous { setenv("DRP_WORDNET_DIR", previous, 1) } else { unsetenv("DRP_WORDNET_DIR") }
    }
    let empty = try TemporaryDirectory()
    setenv("DRP_WORDNET_DIR", empty.url.path, 1)
    XCTAssertEqual(WordNet.configuredDirectory, empty.url.path)
    setenv("DRP_WORDNET_DIR", "", 1)
    XCTAssertEqual(WordNet.configuredDirectory, WordNet.defaultDirectory)
    unsetenv("DRP_WORDNET_DIR")
    XCTAssertEqual(WordNet.configuredDirectory, WordNet.defaultDirectory)
  }

  // MARK: bad input

  func testMalformedFilesNameFileAndLine() throws {
    let cases: [(file: String, content: String, line: Int, reason: String)] = [
      ("index.noun", "dog n x 0 1 0 00000000\n", 1, "synset count is not a decimal number: x"),
      ("index.noun", "  header\ndog n 1 0 1 0\n", 2, "missing synset offset"),
      ("index.noun", "dog n 0 0 0 0\n", 1, "synset count is 0"),
      ("index.noun", "dog n 2 0 1 0 1 2\n", 1, "sense count differs from synset count"),
      ("index.noun", "dog v 1 0 1 0 1\n", 1, "part of speech v in the index of n words"),
      ("index.noun", "dog n 1 0 1 0 99\n", 1, "no synset at offset 99 of the data file"),
      (
        "index.noun", "dog n 1 0 1 0 99999999999999999999999\n", 1,
        "synset offset is too large: 99999999999999999999999"
      ),
      ("index.noun", "\n", 1, "missing lemma"),
      ("data.noun", "00000005 03 n 01 dog 0 000 | x\n", 1, "synset offset 5 differs from the line's byte offset 0"),
      ("data.noun", "00000000 03 n 0g dog 0 000 | x\n", 1, "word count is not a hexadecimal number: 0g"),
      ("data.noun", "00000000 03 n 02 dog 0\n", 1, "missing word"),
      ("data.noun", "00000000 03 n 01 dog\n", 1, "missing lex_id"),
      ("noun.exc", "mice mouse\n\n", 2, "missing inflected form"),
    ]
    for (file, content, line, reason) in cases {
      let directory = try TemporaryDirectory()
      try MiniWordNet(noun: [["dog"]]).write(to: directory.url.path)
      try content.write(toFile: directory.path(file), atomically: true, encoding: .utf8)
      XCTAssertThrowsError(try WordNet(directory: directory.url.path), file) { error in
        XCTAssertEqual(error as? WordNetError, .malformedLine(path: directory.path(file), line: line, reason: reason))
        XCTAssertTrue("\(error)".contains(file), "\(error)")
      }
    }
  }
}

/// Writes a small, consistent WordNet database (byte offsets computed) with a license-like indented header.
private struct MiniWordNet {
  /// Synsets as lemma tokens (markers such as `(p)` allowed); each lemma is indexed under its lowercased name.
  var noun: [[String]] = []
  var adjective: [[String]] = []
  var nounExceptions = ""
  var sortIndex = true

  func write(to directory: String) throws {
    for (suffix, pos, synsets) in [("noun", "n", noun), ("verb", "v", []), ("adj", "a", adjective), ("adv", "r", [])] {
      var data = "  header line of the license\n"
      var index: [String: [Int]] = [:]
      var order: [String] = []
      for lemmas in synsets {
        let offset = data.utf8.count
        let words = lemmas.map { "\($0) 0" }.joined(separator: " ")
        data += String(format: "%08d", offset) + " 03 \(pos) " + String(format: "%02x", lemmas.count)
        data += " \(words) 000 | a gloss\n"
        for lemma in lemmas {
          let key = String(lemma.lowercased().prefix { $0 != "(" })
          if index[key] == nil { order.append(key) }
          if index[key]?.contains(offset) != true { index[key, default: []].append(offset) }
        }
      }
      let keys = sortIndex ? order.sorted() : order
      let lines = keys.map { key in
        let offsets = index[key, default: []]
        return "\(key) \(pos) \(offsets.count) 1 @ \(offsets.count) 0 "
          + offsets.map { String(format: "%08d", $0) }.joined(separator: " ") + "  \n"
      }
      try data.write(toFile: "\(directory)/data.\(suffix)", atomically: true, encoding: .utf8)
      try ("  header\n" + lines.joined()).write(
        toFile: "\(directory)/index.\(suffix)", atomically: true, encoding: .utf8)
      try (suffix == "noun" ? nounExceptions : "").write(
        toFile: "\(directory)/\(suffix).exc", atomically: true, encoding: .utf8)
    }
  }
}

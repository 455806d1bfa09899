// The WordNet 3.0 database as NLTK's WordNetCorpusReader reads it, reduced to what METEOR's synonym stage needs.
import Foundation

/// A WordNet database directory (`index.*`, `data.*`, `*.exc`, e.g. Debian's `wordnet-base` in /usr/share/wordnet),
/// answering NLTK's `wordnet.synsets(word)` (all parts of speech, with `morphy` lemmatisation) as lemma names.
///
/// Loading parses every index, data and exception line and checks that each synset an index line names exists,
/// so a damaged database fails at load with the file and line rather than during scoring.
public final class WordNet: Sendable {
  /// WordNet's parts of speech, in the order NLTK's `synsets` visits them (`POS_LIST`).
  enum PartOfSpeech: String, CaseIterable, Sendable {
    case noun = "n"
    case verb = "v"
    case adjective = "a"
    case adverb = "r"

    /// The file-name suffix (`index.noun`, `noun.exc`, …).
    var fileSuffix: String {
      switch self {
      case .noun: return "noun"
      case .verb: return "verb"
      case .adjective: return "adj"
      case .adverb: return "adv"
      }
    }

    /// NLTK's `MORPHOLOGICAL_SUBSTITUTIONS`: (suffix, replacement), tried in order.
    var substitutions: [(old: [UInt8], new: [UInt8])] {
      let rules: [(String, String)]
      switch self {
      case .noun:
        rules = [
          ("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y"),
        ]
      case .verb:
        rules = [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")]
      case .adjective: rules = [("er", ""), ("est", ""), ("er", "e"), ("est", "e")]
      case .adverb: rules = []
      }
      return rules.map { (Array($0.0.utf8), Array($0.1.utf8)) }
    }
  }

  /// Where Debian's `wordnet-base` installs the database.
  static let defaultDirectory = "/usr/share/wordnet"

  /// The directory `shared` loads: `DRP_WORDNET_DIR` when set and non-empty, else `defaultDirectory`.
  public static var configuredDirectory: String {
    if let custom = ProcessInfo.processInfo.environment["DRP_WORDNET_DIR"], !custom.isEmpty { return custom }
    return defaultDirectory
  }

  /// The database in `configuredDirectory`, loaded once on first use (thread-safe), or why it could not be.
  static let shared: Result<WordNet, WordNetError> = Result { () throws(WordNetError) in
    try WordNet(directory: configuredDirectory)
  }

  /// The directory this database was read from.
  let directory: String
  private let parts: [PartOfSpeech: Part]

  /// Loads the database in `directory`; throws `WordNetError` when a file is missing or a line is malformed.
  public init(directory: String) throws(WordNetError) {
    self.directory = directory
    var parts: [PartOfSpeech: Part] = [:]
    for pos in PartOfSpeech.allCases { parts[pos] = try Part(directory: directory, pos: pos) }
    self.parts = parts
  }

  /// NLTK's `_morphy(form, pos)`: the exception-list forms of `form` (or, when it has none, the forms the
  /// suffix rules give), preceded by `form` itself, keeping only those in the index for `pos`, without repeats.
  func morphy(_ form: String, pos: PartOfSpeech) -> [String] {
    morphy(Array(form.utf8), pos: pos).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The lemma names of NLTK's `wordnet.synsets(word)`, synset by synset in NLTK's order (names keep their
  /// case and underscores; a lemma in several synsets repeats).
  func lemmaNames(_ word: String) -> [String] {
    var names: [String] = []
    forEachLemmaName(word) { names.append(String(decoding: $0, as: UTF8.self)) }
    return names
  }

  /// The words NLTK's METEOR accepts as synonyms of the hypothesis word `word` (already lowercased and stemmed,
  /// as METEOR's synonym stage receives it): the lemma names without `_` of `synsets(word)`, plus `word` itself.
  func meteorSynonyms(of word: String) -> Set<String> {
    Set(meteorSynonyms(Array(word.utf8)).map { String(decoding: $0, as: UTF8.self) })
  }

  /// The synonyms NLTK's METEOR tries for a (lowercased, stemmed) hypothesis word, as UTF-8 bytes: the lemma
  /// names without `_` of every synset of `word`, plus `word` itself.
  func meteorSynonyms(_ word: [UInt8]) -> Set<[UInt8]> {
    var synonyms: Set<[UInt8]> = [word]
    forEachLemmaName(String(decoding: word, as: UTF8.self)) { name in
      if !name.contains(UInt8(ascii: "_")) { synonyms.insert(Array(name)) }
    }
    return synonyms
  }

  /// Calls `body` with each lemma name of each synset of `word` (lowercased first, as NLTK's `synsets`), in
  /// NLTK's order.
  private func forEachLemmaName(_ word: String, _ body: (ArraySlice<UInt8>) -> Void) {
    let lowered = Array(word.lowercased().utf8)
    for pos in PartOfSpeech.allCases {
      guard let part = parts[pos] else { continue }
      for form in morphy(lowered, pos: pos) {
        guard let entry = part.entry(form) else { continue }
        for synset in part.entrySynsets[Int(entry.synsets.lowerBound)..<Int(entry.synsets.upperBound)] {
          for name in part.names[Int(part.synsetFirstName[Int(synset)])..<Int(part.synsetFirstName[Int(synset) + 1])] {
            body(part.nameBytes[Int(name.lowerBound)..<Int(name.upperBound)])
          }
        }
      }
    }
  }

  private func morphy(_ form: [UInt8], pos: PartOfSpeech) -> [[UInt8]] {
    guard let part = parts[pos] else { return [] }
    var candidates = [form]
    if let exceptions = part.exceptions[form] {
      candidates += exceptions
    } else {
      for (old, new) in part.substitutions where form.count >= old.count && form.suffix(old.count).elementsEqual(old) {
        candidates.append(Array(form.dropLast(old.count)) + new)
      }
    }
    var seen = Set<[UInt8]>()
    return candidates.filter { part.entry($0) != nil && seen.insert($0).inserted }
  }

  /// One part of speech: its index (sorted for binary search), synsets' lemma names and exception list.
  private struct Part: Sendable {
    struct Entry: Sendable {
      var lemma: Range<Int32>
      var synsets: Range<Int32>
    }

    /// Index entries sorted by lemma bytes (the last line wins for a repeated lemma, as in NLTK's dict).
    var entries: [Entry] = []
    /// Concatenated index lemmas that `Entry.lemma` ranges point into.
    var lemmaBytes: [UInt8] = []
    /// Synset ordinals of each entry, in index-line order.
    var entrySynsets: [Int32] = []
    /// Byte offset of each synset's line in the data file, ascending (data-file order).
    var synsetOffsets: [Int32] = []
    /// Synset `s` has the lemma names `names[synsetFirstName[s]..<synsetFirstName[s + 1]]`.
    var synsetFirstName: [Int32] = [0]
    /// Ranges of lemma names in `nameBytes`.
    var names: [Range<Int32>] = []
    /// Concatenated lemma names with any syntactic marker such as `(a)` removed.
    var nameBytes: [UInt8] = []
    /// `*.exc`: inflected form → base forms.
    var exceptions: [[UInt8]: [[UInt8]]] = [:]
    /// The part of speech's suffix rules, as bytes.
    let substitutions: [(old: [UInt8], new: [UInt8])]

    init(directory: String, pos: PartOfSpeech) throws(WordNetError) {
      substitutions = pos.substitutions
      try readData(WordNetFile(directory: directory, name: "data.\(pos.fileSuffix)"))
      try readIndex(WordNetFile(directory: directory, name: "index.\(pos.fileSuffix)"), pos: pos)
      try readExceptions(WordNetFile(directory: directory, name: "\(pos.fileSuffix).exc"))
    }

    /// The entry for `lemma`, by binary search.
    func entry(_ lemma: [UInt8]) -> Entry? {
      lemmaBytes.withUnsafeBytes { index in
        lemma.withUnsafeBytes { key in
          var low = 0, high = entries.count
          while low < high {
            let middle = (low + high) / 2
            if Self.compare(index, entries[middle].lemma, key) < 0 { low = middle + 1 } else { high = middle }
          }
          return low < entries.count && Self.compare(index, entries[low].lemma, key) == 0 ? entries[low] : nil
        }
      }
    }

    /// Byte-wise order (negative, 0, positive) of the lemma at `range` of `index` against `other`
    /// (`memcmp`: a byte loop costs a generic call per byte in debug builds).
    private static func compare(_ index: UnsafeRawBufferPointer, _ range: Range<Int32>, _ other: UnsafeRawBufferPointer)
      -> Int
    {
      let count = Int(range.upperBound - range.lowerBound)
      let shared = min(count, other.count)
      if shared > 0, let base = index.baseAddress, let key = other.baseAddress {
        let order = memcmp(base + Int(range.lowerBound), key, shared)
        if order != 0 { return Int(order) }
      }
      return count - other.count
    }

    /// The ordinal of the synset whose line starts at byte `offset` of the data file, by binary search.
    private func synset(at offset: Int) -> Int32? {
      var low = 0, high = synsetOffsets.count
      while low < high {
        let middle = (low + high) / 2
        if Int(synsetOffsets[middle]) < offset { low = middle + 1 } else { high = middle }
      }
      return low < synsetOffsets.count && Int(synsetOffsets[low]) == offset ? Int32(low) : nil
    }

    /// Reads synset lines (`offset lex_filenum ss_type w_cnt word lex_id …`), keeping their lemma names.
    private mutating func readData(_ file: WordNetFile) throws(WordNetError) {
      try file.bytes.withUnsafeBufferPointer { (buffer) throws(WordNetError) in
        try file.forEachLine { (start, tokens: inout WordNetFile.Tokens) throws(WordNetError) in
          let offset = try tokens.integer("synset offset")
          guard offset == start else {
            throw tokens.failure("synset offset \(offset) differs from the line's byte offset \(start)")
          }
          _ = try tokens.integer("lexicographer file number")
          _ = try tokens.require("synset type")
          let count = try tokens.integer("word count", radix: 16)
          for _ in 0..<count {
            let word = Self.withoutMarker(try tokens.require("word"), in: buffer)
            _ = try tokens.integer("lex_id", radix: 16)
            let first = Int32(nameBytes.count)
            nameBytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[word]))
            names.append(first..<Int32(nameBytes.count))
          }
          synsetOffsets.append(Int32(offset))
          synsetFirstName.append(Int32(names.count))
        }
      }
    }

    /// NLTK's `(.*?)(\([^()]*\))?$` on a lemma token: drops a trailing `(marker)` that holds no parentheses.
    private static func withoutMarker(_ token: Range<Int>, in buffer: UnsafeBufferPointer<UInt8>) -> Range<Int> {
      guard buffer[token.upperBound - 1] == UInt8(ascii: ")") else { return token }
      var index = token.upperBound - 2
      while index >= token.lowerBound {
        switch buffer[index] {
        case UInt8(ascii: "("): return token.lowerBound..<index
        case UInt8(ascii: ")"): return token
        default: index -= 1
        }
      }
      return token
    }

    /// Reads index lines (`lemma pos synset_cnt p_cnt [ptr…] sense_cnt tagsense_cnt offset…`) as NLTK's
    /// `_load_lemma_pos_offset_map` does, resolving each offset to a synset of the data file.
    private mutating func readIndex(_ file: WordNetFile, pos: PartOfSpeech) throws(WordNetError) {
      var unsorted: [Entry] = []
      try file.forEachLine { (_, tokens: inout WordNetFile.Tokens) throws(WordNetError) in
        let lemma = try tokens.require("lemma")
        let lemmaPos = try tokens.require("part of speech")
        guard tokens.text(lemmaPos) == pos.rawValue else {
          throw tokens.failure("part of speech \(tokens.text(lemmaPos)) in the index of \(pos.rawValue) words")
        }
        let count = try tokens.integer("synset count")
        guard count > 0 else { throw tokens.failure("synset count is 0") }
        for _ in 0..<(try tokens.integer("pointer count")) { _ = try tokens.require("pointer symbol") }
        guard try tokens.integer("sense count") == count else {
          throw tokens.failure("sense count differs from synset count")
        }
        _ = try tokens.require("tagged sense count")
        let first = Int32(entrySynsets.count)
        for _ in 0..<count {
          let offset = try tokens.integer("synset offset")
          guard let synset = synset(at: offset) else {
            throw tokens.failure("no synset at offset \(offset) of the data file")
          }
          entrySynsets.append(synset)
        }
        let lemmaStart = Int32(lemmaBytes.count)
        lemmaBytes.append(contentsOf: UnsafeBufferPointer(rebasing: tokens.buffer[lemma]))
        unsorted.append(Entry(lemma: lemmaStart..<Int32(lemmaBytes.count), synsets: first..<Int32(entrySynsets.count)))
      }
      entries = sortedKeepingLast(unsorted)
    }

    /// `entries` sorted by lemma bytes with one entry per lemma (the last in file order). WordNet's index files are
    /// already sorted, so this is one linear check unless a file was edited.
    private func sortedKeepingLast(_ entries: [Entry]) -> [Entry] {
      lemmaBytes.withUnsafeBytes { index in
        let order = { (a: Entry, b: Entry) -> Int in
          Self.compare(
            index, a.lemma, UnsafeRawBufferPointer(rebasing: index[Int(b.lemma.lowerBound)..<Int(b.lemma.upperBound)]))
        }
        var sorted = entries
        if entries.indices.dropFirst().contains(where: { order(entries[$0 - 1], entries[$0]) >= 0 }) {
          sorted.sort { (a, b) in
            let byLemma = order(a, b)
            return byLemma != 0 ? byLemma < 0 : a.lemma.lowerBound < b.lemma.lowerBound
          }
        }
        var unique: [Entry] = []
        unique.reserveCapacity(sorted.count)
        for entry in sorted {
          if let last = unique.last, order(last, entry) == 0 {
            unique[unique.count - 1] = entry
          } else {
            unique.append(entry)
          }
        }
        return unique
      }
    }

    /// Reads `*.exc` lines (`inflected base…`); a repeated inflected form keeps its last line, as NLTK's dict.
    private mutating func readExceptions(_ file: WordNetFile) throws(WordNetError) {
      try file.forEachLine(skipIndented: false) { (_, tokens: inout WordNetFile.Tokens) throws(WordNetError) in
        let form = try tokens.require("inflected form")
        var bases: [[UInt8]] = []
        while let base = tokens.next() { bases.append(Array(tokens.buffer[base])) }
        exceptions[Array(tokens.buffer[form])] = bases
      }
    }
  }
}

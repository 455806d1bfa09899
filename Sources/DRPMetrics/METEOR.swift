// METEOR as NLTK's `nltk.translate.meteor_score.single_meteor_score` computes it (exact, stem and synonym stages).
import Foundation

/// METEOR of one prediction against one reference, matching NLTK 3.10's `single_meteor_score` with its defaults
/// (alpha 0.9, beta 3, gamma 0.5, lowercasing, `PorterStemmer()`, WordNet 3.0): exact, Porter-stem and WordNet
/// synonym alignment stages. The synonym stage uses `WordNet.shared`; when that database is absent, scores are
/// those of the exact and stem stages only (NLTK run with a WordNet that has no synsets) and
/// `synonymStageAvailable` is false. Inputs are tokenised with Python's `str.split()` (whitespace).
public enum METEOR {
  /// Weight of precision vs recall in the harmonic mean.
  static let alpha = 0.9
  /// Exponent of the fragmentation penalty.
  static let beta = 3.0
  /// Maximum fragmentation penalty.
  static let gamma = 0.5

  /// Whether the default scoring functions run the WordNet synonym stage (`WordNet.shared` loaded).
  public static var synonymStageAvailable: Bool { sharedWordNet != nil }

  /// `WordNet.shared` when it loaded.
  static var sharedWordNet: WordNet? { try? WordNet.shared.get() }

  /// METEOR of `prediction` against `reference`, both split on whitespace; 0 when either is empty or nothing
  /// aligns. Uses the synonym stage when `WordNet.shared` is available.
  static func score(prediction: String, reference: String) -> Double {
    score(prediction: prediction, reference: reference, wordNet: sharedWordNet)
  }

  /// METEOR of pre-tokenised inputs (lowercased here), with the synonym stage when `WordNet.shared` is available.
  static func score(predictionTokens: [String], referenceTokens: [String]) -> Double {
    score(predictionTokens: predictionTokens, referenceTokens: referenceTokens, wordNet: sharedWordNet)
  }

  /// METEOR with an explicit synonym database; `nil` runs only the exact and stem stages.
  static func score(prediction: String, reference: String, wordNet: WordNet?) -> Double {
    score(
      predictionTokens: PythonText.split(prediction), referenceTokens: PythonText.split(reference), wordNet: wordNet)
  }

  /// METEOR of pre-tokenised inputs (lowercased here, as NLTK's default `preprocess=str.lower`); `nil` runs
  /// only the exact and stem stages.
  static func score(predictionTokens: [String], referenceTokens: [String], wordNet: WordNet?) -> Double {
    score(
      predictionTokens: predictionTokens, referenceTokens: referenceTokens, stem: PorterStemmer.stem,
      synonyms: wordNet.map { database in { database.meteorSynonyms($0) } })
  }

  /// METEOR with a caller-supplied stemmer and synonym lookup (`MetricSuite` passes memoised ones). `synonyms`
  /// maps a stemmed hypothesis word (UTF-8) to the words it may match; `nil` skips the synonym stage.
  static func score(
    predictionTokens: [String], referenceTokens: [String], stem: (String) -> String,
    synonyms: (([UInt8]) -> Set<[UInt8]>)?
  ) -> Double {
    let lowerHypothesis = predictionTokens.map { $0.lowercased() }
    let lowerReference = referenceTokens.map { $0.lowercased() }
    var hypothesis = lowerHypothesis.enumerated().map { ($0.offset, PythonText.key($0.element)) }
    var reference = lowerReference.enumerated().map { ($0.offset, PythonText.key($0.element)) }
    let translationLength = hypothesis.count, referenceLength = reference.count
    let exact = matchEnumerated(&hypothesis, &reference) { CollectionOfOne($0) }
    // NLTK's synonym stage receives the stem stage's leftovers, i.e. the stemmed words.
    var stemmedHypothesis = hypothesis.map { ($0.0, PythonText.key(stem(lowerHypothesis[$0.0]))) }
    var stemmedReference = reference.map { ($0.0, PythonText.key(stem(lowerReference[$0.0]))) }
    let stemmed = matchEnumerated(&stemmedHypothesis, &stemmedReference) { CollectionOfOne($0) }
    let synonymous = synonyms.map { matchEnumerated(&stemmedHypothesis, &stemmedReference, candidates: $0) } ?? []
    let matches = (exact + stemmed + synonymous).sorted { $0.hypothesis < $1.hypothesis }
    guard translationLength > 0, referenceLength > 0, !matches.isEmpty else { return 0 }
    let matchCount = Double(matches.count)
    let precision = matchCount / Double(translationLength)
    let recall = matchCount / Double(referenceLength)
    let fmean = (precision * recall) / (alpha * precision + (1 - alpha) * recall)
    let fragmentation = Double(chunkCount(matches)) / matchCount
    let penalty = gamma * pow(fragmentation, beta)
    return (1 - penalty) * fmean
  }

  /// NLTK's `_match_enums` and `_enum_wordnetsyn_match`: from the last hypothesis word backwards, each word
  /// takes the highest still-free reference position holding one of its `candidates` (the word itself for the
  /// exact and stem stages; its synonyms for the WordNet stage), strings compared code point by code point.
  /// Matched words are removed from both lists.
  static func matchEnumerated<Candidates: Sequence<[UInt8]>>(
    _ hypothesis: inout [(Int, [UInt8])], _ reference: inout [(Int, [UInt8])],
    candidates: ([UInt8]) -> Candidates
  ) -> [(hypothesis: Int, reference: Int)] {
    var positions: [[UInt8]: [Int]] = [:]
    for (j, entry) in reference.enumerated() { positions[entry.1, default: []].append(j) }
    var matches: [(hypothesis: Int, reference: Int)] = []
    var matchedHypothesis = Set<Int>(), matchedReference = Set<Int>()
    for i in hypothesis.indices.reversed() {
      var best: (j: Int, word: [UInt8])?
      for word in candidates(hypothesis[i].1) {
        if let j = positions[word]?.last, j > best?.j ?? -1 { best = (j, word) }
      }
      guard let (j, word) = best else { continue }
      positions[word]?.removeLast()
      matchedHypothesis.insert(i)
      matchedReference.insert(j)
      matches.append((hypothesis[i].0, reference[j].0))
    }
    hypothesis = hypothesis.enumerated().filter { !matchedHypothesis.contains($0.offset) }.map(\.element)
    reference = reference.enumerated().filter { !matchedReference.contains($0.offset) }.map(\.element)
    return matches
  }

  /// NLTK's `_count_chunks`: runs of matches adjacent in both hypothesis and reference.
  static func chunkCount(_ matches: [(hypothesis: Int, reference: Int)]) -> Int {
    var chunks = 1
    for index in matches.indices.dropLast()
    where
      !(matches[index + 1].hypothesis == matches[index].hypothesis + 1
      && matches[index + 1].reference == matches[index].reference + 1)
    {
      chunks += 1
    }
    return chunks
  }
}

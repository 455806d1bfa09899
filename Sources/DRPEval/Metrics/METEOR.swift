// METEOR as NLTK's `nltk.translate.meteor_score.single_meteor_score` computes it (exact and Porter-stem stages).
import Foundation

/// METEOR of one prediction against one reference, matching NLTK 3.10's `single_meteor_score` with its defaults
/// (alpha 0.9, beta 3, gamma 0.5, lowercasing, `PorterStemmer()`) for the exact and stem alignment stages.
/// The WordNet synonym stage is not reproduced (see docs/METRICS.md): this equals NLTK run with a WordNet that
/// has no synsets. Inputs are tokenised with Python's `str.split()` (whitespace).
public enum METEOR {
  /// Weight of precision vs recall in the harmonic mean.
  public static let alpha = 0.9
  /// Exponent of the fragmentation penalty.
  public static let beta = 3.0
  /// Maximum fragmentation penalty.
  public static let gamma = 0.5

  /// METEOR of `prediction` against `reference`, both split on whitespace; 0 when either is empty or nothing aligns.
  public static func score(prediction: String, reference: String) -> Double {
    score(predictionTokens: PythonText.split(prediction), referenceTokens: PythonText.split(reference))
  }

  /// METEOR of pre-tokenised inputs (lowercased here, as NLTK's default `preprocess=str.lower`).
  public static func score(predictionTokens: [String], referenceTokens: [String]) -> Double {
    score(predictionTokens: predictionTokens, referenceTokens: referenceTokens, stem: PorterStemmer.stem)
  }

  /// METEOR with a caller-supplied stemmer (`MetricSuite` passes a memoised `PorterStemmer.stem`).
  static func score(predictionTokens: [String], referenceTokens: [String], stem: (String) -> String) -> Double {
    let lowerHypothesis = predictionTokens.map { $0.lowercased() }
    let lowerReference = referenceTokens.map { $0.lowercased() }
    var hypothesis = lowerHypothesis.enumerated().map { ($0.offset, PythonText.key($0.element)) }
    var reference = lowerReference.enumerated().map { ($0.offset, PythonText.key($0.element)) }
    let translationLength = hypothesis.count, referenceLength = reference.count
    let exact = matchEnumerated(&hypothesis, &reference)
    var stemmedHypothesis = hypothesis.map { ($0.0, PythonText.key(stem(lowerHypothesis[$0.0]))) }
    var stemmedReference = reference.map { ($0.0, PythonText.key(stem(lowerReference[$0.0]))) }
    let stemmed = matchEnumerated(&stemmedHypothesis, &stemmedReference)
    let matches = (exact + stemmed).sorted { $0.hypothesis < $1.hypothesis }
    guard translationLength > 0, referenceLength > 0, !matches.isEmpty else { return 0 }
    let matchCount = Double(matches.count)
    let precision = matchCount / Double(translationLength)
    let recall = matchCount / Double(referenceLength)
    let fmean = (precision * recall) / (alpha * precision + (1 - alpha) * recall)
    let fragmentation = Double(chunkCount(matches)) / matchCount
    let penalty = gamma * pow(fragmentation, beta)
    return (1 - penalty) * fmean
  }

  /// NLTK's `_match_enums`: from the last hypothesis word backwards, each word takes the last still-free
  /// reference position holding the same string (compared code point by code point). Matched words are
  /// removed from both lists.
  static func matchEnumerated(
    _ hypothesis: inout [(Int, [UInt8])], _ reference: inout [(Int, [UInt8])]
  ) -> [(hypothesis: Int, reference: Int)] {
    var positions: [[UInt8]: [Int]] = [:]
    for (j, entry) in reference.enumerated() { positions[entry.1, default: []].append(j) }
    var matches: [(hypothesis: Int, reference: Int)] = []
    var matchedHypothesis = Set<Int>(), matchedReference = Set<Int>()
    for i in hypothesis.indices.reversed() {
      guard let j = positions[hypothesis[i].1]?.popLast() else { continue }
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

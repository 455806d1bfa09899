// Scores a set of (prediction, reference) pairs with every metric.

/// Runs ROUGE, METEOR and BLEU over paired predictions and references.
public enum MetricSuite {
  /// The corpus report for `pairs` (empty input gives zeros). METEOR uses the WordNet synonym stage when
  /// `WordNet.shared` is available; the report's `meteorSynonymStage` says whether it did.
  public static func evaluate(pairs: [(prediction: String, reference: String)]) -> MetricReport {
    evaluate(pairs: pairs, wordNet: METEOR.sharedWordNet)
  }

  /// The corpus report for `pairs` with METEOR's inputs split by `tokenizer` (and the synonym stage when
  /// `WordNet.shared` is available).
  public static func evaluate(
    pairs: [(prediction: String, reference: String)], tokenizer: MetricOptions.METEORTokenizer
  ) -> MetricReport {
    evaluate(pairs: pairs, wordNet: METEOR.sharedWordNet, tokenizer: tokenizer)
  }

  /// The corpus report for `pairs` with an explicit METEOR synonym database (`nil`: exact and stem stages only)
  /// and METEOR tokeniser (default: whitespace).
  static func evaluate(
    pairs: [(prediction: String, reference: String)], wordNet: WordNet?,
    tokenizer: MetricOptions.METEORTokenizer = .whitespace
  ) -> MetricReport {
    let rouge = pairs.map { ROUGE.scores(prediction: $0.prediction, reference: $0.reference) }
    // Review vocabulary repeats heavily: stem each distinct word, and look up each distinct stem's synonyms, once.
    // Keys compare code point by code point (`PythonText.key`), so "é" and "e\u{301}" stay distinct.
    let stem = memoised(key: PythonText.key, PorterStemmer.stem)
    let synonyms = wordNet.map { database in memoised(key: { $0 }, database.meteorSynonyms) }
    let split: (String) -> [String]
    switch tokenizer {
    case .whitespace: split = { PythonText.split($0) }
    case .treebank: split = { TreebankTokenizer.wordTokenize($0) }
    }
    let meteor = pairs.map {
      METEOR.score(
        predictionTokens: split($0.prediction), referenceTokens: split($0.reference), stem: stem, synonyms: synonyms)
    }
    let statistics = pairs.map { BLEU.statistics(prediction: $0.prediction, reference: $0.reference) }
    let rouge1 = rouge.map(\.rouge1), rougeL = rouge.map(\.rougeL)
    return MetricReport(
      count: pairs.count, rouge1: Bootstrap.mean(rouge1), rougeL: Bootstrap.mean(rougeL),
      meteor: Bootstrap.mean(meteor), meteorSynonymStage: wordNet != nil,
      bleu: BLEU.score(statistics.reduce(BLEU.Statistics(), +)),
      rouge1PerPair: rouge1, rougeLPerPair: rougeL, meteorPerPair: meteor, bleuStatistics: statistics)
  }

  /// `function` with its results cached per distinct `key` of the input.
  private static func memoised<Input, Value>(
    key: @escaping (Input) -> [UInt8], _ function: @escaping (Input) -> Value
  ) -> (Input) -> Value {
    var cache: [[UInt8]: Value] = [:]
    return { word in
      let key = key(word)
      if let known = cache[key] { return known }
      let computed = function(word)
      cache[key] = computed
      return computed
    }
  }
}

import Foundation

/// One measured habit of the statistical analyser: how to compute it over a set of reviews, when a
/// gap counts as noticeable, and how to describe it (thresholds are listed on `StatisticalAnalyser`).
struct StatisticalMetric: Sendable {
  /// The base dimension a metric belongs to.
  enum Group: CaseIterable, Sendable {
    case writing, emotional, semantic

    var name: String {
      switch self {
      case .writing: return "Writing style"
      case .emotional: return "Emotional style"
      case .semantic: return "Semantic style"
      }
    }

    var definition: String {
      switch self {
      case .writing: return "How reviews are built: length, sentence form, punctuation and capitalisation."
      case .emotional: return "How strongly feelings are expressed: sentiment, intensity, exclamation, emphasis."
      case .semantic: return "What the wording focuses on: vocabulary, first-person narration, ratings."
      }
    }
  }

  let name: String
  let definition: String
  let group: Group
  let minGap: Double
  /// Minimum larger/smaller ratio; nil for metrics compared by gap only.
  let minRatio: Double?
  let unit: String
  let higherPhrase: String
  let lowerPhrase: String
  let value: @Sendable ([TextFeatures]) -> Double?
  /// Whether a sentence illustrates the habit (for evidence); nil → no sentence evidence.
  let illustrates: (@Sendable (String) -> Bool)?

  /// true = user higher, false = user lower, nil = no noticeable difference.
  func direction(user u: Double, peers p: Double) -> Bool? {
    guard abs(u - p) >= minGap else { return nil }
    if let minRatio {
      let (big, small) = (max(u, p), min(u, p))
      guard small <= 0 || big / small >= minRatio else { return nil }
    }
    return u > p
  }

  func describe(_ u: Double, _ p: Double, _ higher: Bool) -> String {
    let numbers = "\(Self.format(u)) vs \(Self.format(p))\(unit.isEmpty ? "" : " " + unit)"
    if minRatio != nil, p > 0, u > 0 {
      return "\(higher ? higherPhrase : lowerPhrase): \(Self.format(u / p))× peers (\(numbers))"
    }
    return "\(higher ? higherPhrase : lowerPhrase) (\(numbers))"
  }

  func evidence(_ reviews: [ReviewSample], _ higher: Bool) -> [String] {
    guard higher, let illustrates else {
      return reviews.prefix(3).map { "review \($0.id): \(TextFeatures($0.text).wordCount) words" }
    }
    let sentences = reviews.lazy.flatMap { TextFeatures.sentences(of: $0.text) }.filter(illustrates)
    return DimensionMerger.dedupe(sentences.prefix(6).map { PromptBudget.truncate($0, toCharacters: 80) })
      .prefix(3).map { $0 }
  }

  static func format(_ x: Double) -> String {
    abs(x) >= 10 ? String(Int(x.rounded())) : String(format: "%.1f", x)
  }

  /// Rate per 100 words of a per-review count.
  static func per100(_ count: @escaping @Sendable (TextFeatures) -> Int) -> @Sendable ([TextFeatures]) -> Double? {
    { features in
      let words = features.reduce(0) { $0 + $1.wordCount }
      return words == 0 ? nil : Double(features.reduce(0) { $0 + count($1) }) * 100 / Double(words)
    }
  }

  static let all: [StatisticalMetric] = [
    StatisticalMetric(
      name: "Review length", definition: "How many words a review has.", group: .writing, minGap: 10, minRatio: 1.5,
      unit: "words", higherPhrase: "writes longer reviews", lowerPhrase: "writes shorter reviews",
      value: { f in f.isEmpty ? nil : Double(f.reduce(0) { $0 + $1.wordCount }) / Double(f.count) },
      illustrates: nil),
    StatisticalMetric(
      name: "Sentence length", definition: "Average number of words per sentence.", group: .writing, minGap: 4,
      minRatio: 1.4, unit: "words per sentence", higherPhrase: "writes longer sentences",
      lowerPhrase: "writes shorter sentences",
      value: { f in
        let s = f.reduce(0) { $0 + $1.sentences }
        return s == 0 ? nil : Double(f.reduce(0) { $0 + $1.wordCount }) / Double(s)
      }, illustrates: nil),
    StatisticalMetric(
      name: "Question use", definition: "How often the review asks questions.", group: .writing, minGap: 0.4,
      minRatio: 2, unit: "per 100 words", higherPhrase: "asks more questions", lowerPhrase: "asks fewer questions",
      value: per100 { $0.questions }, illustrates: { $0.contains("?") }),
    StatisticalMetric(
      name: "Ellipses", definition: "Use of trailing-off punctuation (... or …).", group: .writing, minGap: 0.3,
      minRatio: 2, unit: "per 100 words", higherPhrase: "uses more ellipses", lowerPhrase: "uses fewer ellipses",
      value: per100 { $0.ellipses }, illustrates: { $0.contains("...") || $0.contains("…") }),
    StatisticalMetric(
      name: "Capitalisation", definition: "Share of sentences that start with a lowercase letter.", group: .writing,
      minGap: 0.25, minRatio: nil, unit: "of sentences", higherPhrase: "often starts sentences in lowercase",
      lowerPhrase: "capitalises sentence starts more consistently",
      value: { f in
        let s = f.reduce(0) { $0 + $1.sentences }
        return s == 0 ? nil : Double(f.reduce(0) { $0 + $1.lowercaseSentenceStarts }) / Double(s)
      }, illustrates: { $0.first(where: \.isLetter)?.isLowercase ?? false }),
    StatisticalMetric(
      name: "Exclamation marks", definition: "How often sentences end with an exclamation mark.", group: .emotional,
      minGap: 0.5, minRatio: 2, unit: "per 100 words", higherPhrase: "uses more exclamation marks",
      lowerPhrase: "uses fewer exclamation marks", value: per100 { $0.exclamations }, illustrates: { $0.contains("!") }),
    StatisticalMetric(
      name: "Emoji", definition: "Use of emoji.", group: .emotional, minGap: 0.3, minRatio: 2, unit: "per 100 words",
      higherPhrase: "uses more emoji", lowerPhrase: "uses fewer emoji", value: per100 { $0.emoji },
      illustrates: { s in s.unicodeScalars.contains { $0.properties.isEmojiPresentation } }),
    StatisticalMetric(
      name: "ALL CAPS emphasis", definition: "Words written in capitals for emphasis.", group: .emotional,
      minGap: 0.4, minRatio: 2, unit: "per 100 words", higherPhrase: "shouts more words in ALL CAPS",
      lowerPhrase: "uses fewer ALL CAPS words", value: per100 { $0.allCapsWords },
      illustrates: { TextFeatures($0).allCapsWords > 0 }),
    StatisticalMetric(
      name: "Intensity", definition: "Use of intensifiers such as very, really, absolutely.", group: .emotional,
      minGap: 1.0, minRatio: 1.5, unit: "per 100 words", higherPhrase: "uses more intensifiers",
      lowerPhrase: "uses fewer intensifiers", value: per100 { $0.intensifiers },
      illustrates: { TextFeatures($0).intensifiers > 0 }),
    StatisticalMetric(
      name: "Sentiment", definition: "Balance of positive and negative wording, from -1 to 1.", group: .emotional,
      minGap: 0.3, minRatio: nil, unit: "polarity", higherPhrase: "words reviews more positively",
      lowerPhrase: "words reviews more negatively",
      value: { f in f.isEmpty ? nil : f.reduce(0) { $0 + $1.polarity } / Double(f.count) },
      illustrates: { TextFeatures($0).polarity != 0 }),
    StatisticalMetric(
      name: "First-person voice", definition: "Use of I, me and my: narrating personal experience.",
      group: .semantic, minGap: 1.5, minRatio: 1.5, unit: "per 100 words",
      higherPhrase: "narrates more in first person",
      lowerPhrase: "rarely uses the first person", value: per100 { $0.firstPerson },
      illustrates: { TextFeatures($0).firstPerson > 0 }),
  ]
}

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
      case .emotional:
        return "How strongly feelings are expressed: sentiment, intensity, exclamation, emphasis, ratings."
      case .semantic: return "What the wording focuses on: vocabulary and first-person narration."
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
  /// Per review: (events, exposure); the metric's value over a set of reviews is
  /// scale × Σevents / Σexposure, and a review with zero exposure has no value.
  let measure: @Sendable (TextFeatures) -> (events: Double, exposure: Double)
  let scale: Double
  /// How one review measures, from its (events, exposure): "0 questions in 13 words".
  let reading: @Sendable (_ events: Double, _ exposure: Double) -> String
  /// Whether a sentence illustrates the habit when the user shows more of it; nil → no quotes.
  let illustrates: (@Sendable (String) -> Bool)?
  /// Whether a sentence illustrates the habit when the user shows less of it (e.g. negative
  /// wording for lower sentiment); nil → the readings of the user's reviews are the evidence.
  var illustratesLower: (@Sendable (String) -> Bool)? = nil

  /// The metric over a set of reviews, nil without exposure.
  func value(_ features: [TextFeatures]) -> Double? {
    let m = features.map(measure)
    let exposure = m.reduce(0) { $0 + $1.exposure }
    return exposure == 0 ? nil : scale * m.reduce(0) { $0 + $1.events } / exposure
  }

  /// Welch's t statistic of the per-review values (user minus peers); 0 with fewer than
  /// `minReviews` measurable reviews on either side or when both sides are constant and equal.
  func welch(_ user: [TextFeatures], _ peers: [TextFeatures], minReviews: Int = 3) -> Double {
    func stats(_ f: [TextFeatures]) -> (n: Double, mean: Double, variance: Double) {
      let values = f.map(measure).filter { $0.exposure > 0 }.map { scale * $0.events / $0.exposure }
      let n = Double(values.count)
      guard n > 1 else { return (n, values.first ?? 0, 0) }
      let mean = values.reduce(0, +) / n
      return (n, mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1))
    }
    let u = stats(user)
    let p = stats(peers)
    guard u.n >= Double(minReviews), p.n >= Double(minReviews) else { return 0 }
    let se = (u.variance / u.n + p.variance / p.n).squareRoot()
    if se == 0 { return u.mean == p.mean ? 0 : (u.mean > p.mean ? .infinity : -.infinity) }
    return (u.mean - p.mean) / se
  }

  /// true = user higher, false = user lower, nil = no noticeable difference: the gap, the ratio
  /// (for rate metrics) and |Welch t| ≥ `minT` must all hold.
  func direction(user: [TextFeatures], peers: [TextFeatures], minT: Double) -> (higher: Bool, u: Double, p: Double)? {
    guard let u = value(user), let p = value(peers), abs(u - p) >= minGap else { return nil }
    if let minRatio {
      let (big, small) = (max(u, p), min(u, p))
      guard small <= 0 || big / small >= minRatio else { return nil }
    }
    let t = welch(user, peers)
    guard abs(t) >= minT, (t > 0) == (u > p) else { return nil }
    return (u > p, u, p)
  }

  func describe(_ u: Double, _ p: Double, _ higher: Bool) -> String {
    let numbers = "\(Self.format(u)) vs \(Self.format(p))\(unit.isEmpty ? "" : " " + unit)"
    if minRatio != nil, p > 0, u > 0 {
      return "\(higher ? higherPhrase : lowerPhrase): \(Self.format(u / p))× peers (\(numbers))"
    }
    return "\(higher ? higherPhrase : lowerPhrase) (\(numbers))"
  }

  /// Up to three pieces of evidence from the user's reviews: quoted sentences that show the habit
  /// where a sentence can (the user shows more of it, or a lower-side illustration exists), else
  /// the measurements of the reviews that show the difference most ("review 3: 0 questions in 41 words").
  func evidence(_ reviews: [ReviewSample], _ higher: Bool) -> [String] {
    if let illustrates = higher ? illustrates : illustratesLower {
      let sentences = reviews.lazy.flatMap { TextFeatures.sentences(of: $0.text) }.filter(illustrates)
      let quotes = DimensionMerger.dedupe(sentences.prefix(6).map { PromptBudget.truncate($0, toCharacters: 80) })
      if !quotes.isEmpty { return Array(quotes.prefix(3)) }
    }
    let measured = reviews.compactMap { review -> (id: String, value: Double, reading: String)? in
      let (events, exposure) = measure(TextFeatures(review.text))
      return exposure > 0 ? ("\(review.id)", events / exposure, reading(events, exposure)) : nil
    }
    // Stable order: most telling first, ties in review order.
    let ranked = measured.enumerated().sorted { a, b in
      a.element.value != b.element.value
        ? (higher ? a.element.value > b.element.value : a.element.value < b.element.value) : a.offset < b.offset
    }
    return ranked.prefix(3).map { "review \($0.element.id): \($0.element.reading)" }
  }

  /// "n noun in m words", the reading of a per-100-words metric.
  static func countIn(_ noun: String) -> @Sendable (Double, Double) -> String {
    { events, words in "\(Int(events)) \(noun) in \(Int(words)) words" }
  }

  static func format(_ x: Double) -> String {
    abs(x) >= 10 ? String(Int(x.rounded())) : String(format: "%.1f", x)
  }

  /// Rate per 100 words of a per-review count.
  static func per100(_ count: @escaping @Sendable (TextFeatures) -> Int)
    -> @Sendable (TextFeatures) -> (
      events: Double, exposure: Double
    )
  {
    { f in (Double(count(f)), Double(f.wordCount)) }
  }

  /// Whether a sentence contains a word from `set`.
  static func mentions(_ set: Set<String>) -> @Sendable (String) -> Bool {
    { sentence in TextFeatures.tokenize(sentence).contains { set.contains($0) } }
  }

  static let all: [StatisticalMetric] = [
    StatisticalMetric(
      name: "Review length", definition: "How many words a review has.", group: .writing, minGap: 10, minRatio: 1.5,
      unit: "words", higherPhrase: "writes longer reviews", lowerPhrase: "writes shorter reviews",
      measure: { (Double($0.wordCount), 1) }, scale: 1, reading: { words, _ in "\(Int(words)) words" },
      illustrates: nil),
    StatisticalMetric(
      name: "Sentence length", definition: "Average number of words per sentence.", group: .writing, minGap: 4,
      minRatio: 1.4, unit: "words per sentence", higherPhrase: "writes longer sentences",
      lowerPhrase: "writes shorter sentences",
      measure: { (Double($0.wordCount), Double($0.sentences)) }, scale: 1,
      reading: { words, sentences in "\(Int(words)) words in \(Int(sentences)) sentences" }, illustrates: nil),
    StatisticalMetric(
      name: "Question use", definition: "How often the review asks questions.", group: .writing, minGap: 0.4,
      minRatio: 2, unit: "per 100 words", higherPhrase: "asks more questions", lowerPhrase: "asks fewer questions",
      measure: per100 { $0.questions }, scale: 100, reading: countIn("questions"),
      illustrates: { $0.contains("?") }),
    StatisticalMetric(
      name: "Ellipses", definition: "Use of trailing-off punctuation (... or …).", group: .writing, minGap: 0.3,
      minRatio: 2, unit: "per 100 words", higherPhrase: "uses more ellipses", lowerPhrase: "uses fewer ellipses",
      measure: per100 { $0.ellipses }, scale: 100, reading: countIn("ellipses"),
      illustrates: { $0.contains("...") || $0.contains("…") }),
    StatisticalMetric(
      name: "Capitalisation", definition: "Share of sentences that start with a lowercase letter.", group: .writing,
      minGap: 0.25, minRatio: nil, unit: "of sentences", higherPhrase: "often starts sentences in lowercase",
      lowerPhrase: "capitalises sentence starts more consistently",
      measure: { (Double($0.lowercaseSentenceStarts), Double($0.sentences)) }, scale: 1,
      reading: { lower, sentences in "\(Int(lower)) of \(Int(sentences)) sentences start in lowercase" },
      illustrates: { $0.first(where: \.isLetter)?.isLowercase ?? false }),
    StatisticalMetric(
      name: "Exclamation marks", definition: "How often sentences end with an exclamation mark.", group: .emotional,
      minGap: 0.5, minRatio: 2, unit: "per 100 words", higherPhrase: "uses more exclamation marks",
      lowerPhrase: "uses fewer exclamation marks", measure: per100 { $0.exclamations }, scale: 100,
      reading: countIn("exclamation marks"),
      illustrates: { $0.contains("!") }),
    StatisticalMetric(
      name: "Emoji", definition: "Use of emoji.", group: .emotional, minGap: 0.3, minRatio: 2, unit: "per 100 words",
      higherPhrase: "uses more emoji", lowerPhrase: "uses fewer emoji", measure: per100 { $0.emoji }, scale: 100,
      reading: countIn("emoji"),
      illustrates: { s in s.unicodeScalars.contains { $0.properties.isEmojiPresentation } }),
    StatisticalMetric(
      name: "ALL CAPS emphasis", definition: "Words written in capitals for emphasis.", group: .emotional,
      minGap: 0.4, minRatio: 2, unit: "per 100 words", higherPhrase: "shouts more words in ALL CAPS",
      lowerPhrase: "uses fewer ALL CAPS words", measure: per100 { $0.allCapsWords }, scale: 100,
      reading: countIn("ALL CAPS words"),
      illustrates: { s in s.split { !$0.isLetter }.contains { w in w.count >= 3 && w.allSatisfy(\.isUppercase) } }),
    StatisticalMetric(
      name: "Intensity", definition: "Use of intensifiers such as very, really, absolutely.", group: .emotional,
      minGap: 1.0, minRatio: 1.5, unit: "per 100 words", higherPhrase: "uses more intensifiers",
      lowerPhrase: "uses fewer intensifiers", measure: per100 { $0.intensifiers }, scale: 100,
      reading: countIn("intensifiers"),
      illustrates: mentions(Lexicons.intensifiers)),
    StatisticalMetric(
      name: "Sentiment", definition: "Balance of positive and negative wording, from -1 to 1.", group: .emotional,
      minGap: 0.3, minRatio: nil, unit: "polarity", higherPhrase: "words reviews more positively",
      lowerPhrase: "words reviews more negatively",
      measure: { ($0.polarity, 1) }, scale: 1, reading: { polarity, _ in "polarity \(format(polarity))" },
      illustrates: mentions(Lexicons.positive), illustratesLower: mentions(Lexicons.negative)),
    StatisticalMetric(
      name: "First-person voice", definition: "Use of I, me and my: narrating personal experience.",
      group: .semantic, minGap: 1.5, minRatio: 1.5, unit: "per 100 words",
      higherPhrase: "narrates more in first person",
      lowerPhrase: "rarely uses the first person", measure: per100 { $0.firstPerson }, scale: 100,
      reading: countIn("first-person words"),
      illustrates: mentions(Lexicons.firstPerson)),
  ]
}

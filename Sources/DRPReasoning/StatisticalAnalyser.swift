import Foundation

/// The model-free difference analyser: builds a `DifferenceProfile` from counts alone.
///
/// The user's corpus is their history plus their key-sample reviews; the peer corpus is every peer
/// review of the key items. A metric becomes a dimension when the user's aggregate differs
/// noticeably from the peers' — an absolute gap of at least `minGap`, for rate metrics a ratio of at
/// least `minRatio` between the larger and the smaller value, and a Welch t of the per-review values
/// of at least `minT` (2) in absolute value with ≥ 3 reviews on each side, so a single "!" in a short
/// review is not a habit — and the difference points the same way on at least one key item
/// (support = number of key items where it does):
///
/// | dimension            | value                              | minGap | minRatio | base group |
/// |----------------------|------------------------------------|--------|----------|------------|
/// | Review length        | mean words per review              | 10     | 1.5      | writing    |
/// | Sentence length      | words per sentence                 | 4      | 1.4      | writing    |
/// | Question use         | `?` per 100 words                  | 0.4    | 2        | writing    |
/// | Ellipses             | `...`/`…` per 100 words            | 0.3    | 2        | writing    |
/// | Capitalisation       | share of sentences starting lowercase | 0.25 | —       | writing    |
/// | Exclamation marks    | `!` per 100 words                  | 0.5    | 2        | emotional  |
/// | Emoji                | emoji per 100 words                | 0.3    | 2        | emotional  |
/// | ALL CAPS emphasis    | all-caps words per 100 words       | 0.4    | 2        | emotional  |
/// | Intensity            | intensifiers per 100 words         | 1.0    | 1.5      | emotional  |
/// | Sentiment            | mean polarity in [-1, 1]           | 0.3    | —        | emotional  |
/// | Rating deviation     | mean (own − peers' mean) stars on ≥ 2 key items, one-sample t ≥ `minT` | 0.5 | — | emotional |
/// | First-person voice   | I/me/my per 100 words              | 1.5    | 1.5      | semantic   |
/// | Distinctive vocabulary | ≥ 3 words with log-odds z ≥ 1.96 and ≥ 2 uses (Monroe et al. 2008; prior α₀ = 50) | — | — | semantic |
///
/// The base dimensions "Writing style", "Emotional style" and "Semantic style" summarise the metrics
/// of their group that fired (and are absent when none did); they come first, followed by the
/// specific dimensions ranked by support.
public struct StatisticalAnalyser: Sendable {
  /// |Welch t| the per-review values of a metric need (user vs peers, ≥ 3 reviews each).
  public var minT: Double = 2
  /// z-score a word needs to count as distinctive vocabulary.
  public var vocabularyZ: Double = 1.96
  /// Number of distinctive words shown as evidence.
  public var vocabularyEvidence: Int = 8
  /// α₀ of the log-odds prior: the pooled user+peer word distribution scaled to this many
  /// pseudo-counts — strong enough to shrink words seen once or twice, weak enough that a few
  /// hundred words of user text can show a difference (the pooled total itself would let the prior
  /// swamp small corpora).
  public var vocabularyPriorTotal: Double = 50

  /// Creates an analyser with the documented thresholds.
  public init() {}

  /// Analyses how `userID` differs from the peers of `keySamples`.
  /// - Parameters:
  ///   - history: the user's reviews (key-sample reviews are added when missing).
  ///   - created: the provenance timestamp (Unix seconds), passed in so output is reproducible.
  public func analyse(userID: String, history: [ReviewSample], keySamples: [KeySample], created: Int64 = 0)
    -> DifferenceProfile
  {
    var userReviews = history
    let known = Set(history.map(\.id))
    userReviews += keySamples.map(\.userReview).filter { !known.contains($0.id) }
    let peerReviews = keySamples.flatMap(\.peerReviews)
    let provenance = ProfileProvenance(
      keyItems: keySamples.map(\.item.id),
      peerIDs: Array(Set(peerReviews.map(\.userID))).sorted(),
      models: ["statistical"], promptVersions: ["statistical.v1"], created: created)
    guard !peerReviews.isEmpty, !userReviews.isEmpty else {
      return DifferenceProfile(
        userID: userID, mode: .drp, dimensions: [],
        summary: "No peer reviews to compare with, so no differences could be measured.", provenance: provenance)
    }
    var cache: [Int64: TextFeatures] = [:]
    for review in userReviews + peerReviews where cache[review.id] == nil {
      cache[review.id] = TextFeatures(review.text)
    }
    let features = { (reviews: [ReviewSample]) in reviews.map { cache[$0.id]! } }
    let userFeatures = features(userReviews)
    let peerFeatures = features(peerReviews)
    var found: [(group: StatisticalMetric.Group, dimension: DifferenceDimension)] = []
    for metric in StatisticalMetric.all {
      guard let (higher, u, p) = metric.direction(user: userFeatures, peers: peerFeatures, minT: minT) else { continue }
      let agreeing = keySamples.filter { sample in
        guard let ui = metric.value(features([sample.userReview])), let pi = metric.value(features(sample.peerReviews))
        else { return false }
        return higher ? ui > pi : ui < pi
      }
      guard !agreeing.isEmpty else { continue }
      found.append(
        (
          metric.group,
          DifferenceDimension(
            name: metric.name, definition: metric.definition, description: metric.describe(u, p, higher),
            evidence: metric.evidence(userReviews, higher), support: agreeing.count, sources: agreeing.map(\.item.id))
        ))
    }
    if let rating = ratingDimension(keySamples) { found.append((.emotional, rating)) }
    if let vocabulary = vocabularyDimension(userReviews, keySamples) {
      found.append((.semantic, vocabulary))
    }
    let specific = found.sorted { $0.dimension.support > $1.dimension.support }
    let base = StatisticalMetric.Group.allCases.compactMap { group -> DifferenceDimension? in
      let members = specific.filter { $0.group == group }.map(\.dimension)
      guard !members.isEmpty else { return nil }
      return DifferenceDimension(
        name: group.name, definition: group.definition,
        description: "Compared with peers: " + members.map { $0.description }.joined(separator: "; ") + ".",
        evidence: Array(DimensionMerger.dedupe(members.flatMap { $0.evidence.prefix(1) }).prefix(4)),
        support: members.map(\.support).max() ?? 0,
        sources: DimensionMerger.dedupe(members.flatMap(\.sources)))
    }
    let summary =
      specific.isEmpty
      ? "Writes much like comparable reviewers: no noticeable difference on the measured habits."
      : "Compared with \(peerReviews.count) peer reviews on \(keySamples.count) shared items, this user "
        + specific.prefix(4).map { $0.dimension.description }.joined(separator: "; ") + "."
    return DifferenceProfile(
      userID: userID, mode: .drp, dimensions: base + specific.map(\.dimension), summary: summary,
      provenance: provenance)
  }

  /// Rating deviation: mean of (own rating − peers' mean rating) over key items with peers.
  private func ratingDimension(_ keySamples: [KeySample]) -> DifferenceDimension? {
    let deviations = keySamples.compactMap { s -> (KeySample, Double)? in
      guard !s.peerReviews.isEmpty else { return nil }
      let peerMean = s.peerReviews.map(\.rating).reduce(0, +) / Double(s.peerReviews.count)
      return (s, s.userReview.rating - peerMean)
    }
    let n = Double(deviations.count)
    guard n >= 2 else { return nil }
    let mean = deviations.map(\.1).reduce(0, +) / n
    let variance = deviations.map { ($0.1 - mean) * ($0.1 - mean) }.reduce(0, +) / (n - 1)
    // One-sample t of the per-item deviations; constant deviations count as significant.
    let t = variance == 0 ? Double.infinity : abs(mean) / (variance / n).squareRoot()
    guard abs(mean) >= 0.5, t >= minT else { return nil }
    let agreeing = deviations.filter { mean > 0 ? $0.1 > 0 : $0.1 < 0 }
    return DifferenceDimension(
      name: "Rating deviation",
      definition: "How the user's star ratings compare with peers' ratings of the same items.",
      description: String(
        format: "rates %.1f stars %@ than peers on the same items", abs(mean), mean > 0 ? "higher" : "lower"),
      evidence: agreeing.prefix(3).map { s, d in
        String(format: "item %@: %.0f vs peers %.1f", s.item.id, s.userReview.rating, s.userReview.rating - d)
      }, support: agreeing.count, sources: agreeing.map(\.0.item.id))
  }

  /// Distinctive vocabulary by weighted log-odds with the pooled informative Dirichlet prior.
  private func vocabularyDimension(_ userReviews: [ReviewSample], _ keySamples: [KeySample]) -> DifferenceDimension? {
    let userCounts = LogOddsRatio.contentCounts(userReviews.map(\.text))
    let peerCounts = LogOddsRatio.contentCounts(keySamples.flatMap(\.peerReviews).map(\.text))
    let z = LogOddsRatio.zScores(target: userCounts, reference: peerCounts, priorTotal: vocabularyPriorTotal)
    let words = z.filter { $0.value >= vocabularyZ && (userCounts[$0.key] ?? 0) >= 2 }
      .sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
    guard words.count >= 3 else { return nil }
    let top = Array(words.prefix(vocabularyEvidence))
    let agreeing = keySamples.filter { s in !Set(TextFeatures.tokenize(s.userReview.text)).isDisjoint(with: top) }
    guard !agreeing.isEmpty else { return nil }
    return DifferenceDimension(
      name: "Distinctive vocabulary", definition: "Words the user uses markedly more often than peers.",
      description: "often uses words peers rarely use: " + top.prefix(5).joined(separator: ", "),
      evidence: Self.quotes(of: top, in: userReviews), support: agreeing.count, sources: agreeing.map(\.item.id))
  }

  /// Up to three of the user's sentences using the distinctive words, each showing a word not
  /// shown yet (most distinctive first); the words themselves when no sentence is short enough.
  static func quotes(of words: [String], in reviews: [ReviewSample]) -> [String] {
    let sentences = reviews.flatMap { TextFeatures.sentences(of: $0.text) }.filter { $0.count <= 160 }
    var shown: Set<String> = []
    var quotes: [String] = []
    for word in words where !shown.contains(word) && quotes.count < 3 {
      guard let sentence = sentences.first(where: { !quotes.contains($0) && TextFeatures.tokenize($0).contains(word) })
      else { continue }
      quotes.append(PromptBudget.truncate(sentence, toCharacters: 80))
      shown.formUnion(TextFeatures.tokenize(sentence))
    }
    return quotes.isEmpty ? words : quotes
  }
}

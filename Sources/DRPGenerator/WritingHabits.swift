import DRPReasoning
import Foundation

/// A sentence a user repeats across reviews, and where it appears.
public struct Catchphrase: Hashable, Sendable {
  /// The sentence as the user first wrote it.
  public var text: String
  /// Mean rating of the reviews containing it (to avoid "Love it!" in a one-star review).
  public var meanRating: Double
  /// Whether it most often opens a review.
  public var opens: Bool
  /// Whether it most often closes a review.
  public var closes: Bool
}

/// A user's measurable writing habits, taken from their past reviews, that the offline generator imitates.
public struct WritingHabits: Hashable, Sendable {
  /// Median review length in words.
  public var medianWords: Int
  /// Exclamation marks per sentence (0...1, capped).
  public var exclamationsPerSentence: Double
  /// Question marks per review.
  public var questionsPerReview: Double
  /// Ellipses per sentence (capped at 1).
  public var ellipsesPerSentence: Double
  /// ALL CAPS words per sentence (capped at 1).
  public var capsPerSentence: Double
  /// Share of sentences starting lowercase.
  public var lowercaseStarts: Double
  /// The user's most frequent emoji, if any.
  public var emoji: String?
  /// Emoji per review (capped at 1).
  public var emojiPerReview: Double
  /// Sentences the user repeats across at least two reviews (e.g. "Highly recommend!"), most
  /// frequent first, each with the mean rating of the reviews it appears in.
  public var catchphrases: [Catchphrase]
  /// Positive lexicon words the user actually uses, most frequent first.
  public var positiveWords: [String]
  /// Negative lexicon words the user uses, most frequent first.
  public var negativeWords: [String]
  /// Mean star rating (nil without history).
  public var meanRating: Double?

  /// Neutral defaults for a user without history (mode `nonp`).
  public static let neutral = WritingHabits(
    medianWords: 40, exclamationsPerSentence: 0, questionsPerReview: 0, ellipsesPerSentence: 0, capsPerSentence: 0,
    lowercaseStarts: 0, emoji: nil, emojiPerReview: 0, catchphrases: [], positiveWords: [], negativeWords: [],
    meanRating: nil)
}

extension WritingHabits {
  /// Measures the habits of `history` (neutral defaults when it is empty).
  public init(history: [ReviewSample]) {
    guard !history.isEmpty else {
      self = .neutral
      return
    }
    let features = history.map { TextFeatures($0.text) }
    let sentences = max(1, features.reduce(0) { $0 + $1.sentences })
    func perSentence(_ f: (TextFeatures) -> Int) -> Double {
      min(1, Double(features.reduce(0) { $0 + f($1) }) / Double(sentences))
    }
    let lengths = features.map(\.wordCount).sorted()
    medianWords = max(5, lengths[lengths.count / 2])
    exclamationsPerSentence = perSentence(\.exclamations)
    questionsPerReview = Double(features.reduce(0) { $0 + $1.questions }) / Double(history.count)
    ellipsesPerSentence = perSentence(\.ellipses)
    capsPerSentence = perSentence(\.allCapsWords)
    lowercaseStarts = Double(features.reduce(0) { $0 + $1.lowercaseSentenceStarts }) / Double(sentences)
    meanRating = history.map(\.rating).reduce(0, +) / Double(history.count)

    var emojiCounts: [String: Int] = [:]
    for review in history {
      for ch in review.text where ch.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) {
        emojiCounts[String(ch), default: 0] += 1
      }
    }
    emoji = Self.ranked(emojiCounts, minCount: 1).first
    emojiPerReview = min(1, Double(emojiCounts.values.reduce(0, +)) / Double(history.count))

    struct Occurrences {
      var text: String
      var count = 0
      var ratingSum = 0.0
      var first = 0
      var last = 0
    }
    var seen: [String: Occurrences] = [:]
    for review in history {
      let sentences = TextFeatures.sentences(of: review.text)
      var counted: Set<String> = []
      for (i, sentence) in sentences.enumerated() where TextFeatures.tokenize(sentence).count <= 8 {
        let key = TextFeatures.tokenize(sentence).joined(separator: " ")
        guard !key.isEmpty, counted.insert(key).inserted else { continue }
        var o = seen[key] ?? Occurrences(text: sentence)
        o.count += 1
        o.ratingSum += review.rating
        if i == 0 { o.first += 1 }
        if i == sentences.count - 1 { o.last += 1 }
        seen[key] = o
      }
    }
    catchphrases = seen.filter { $0.value.count >= 2 }.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
      .map {
        Catchphrase(
          text: $0.value.text, meanRating: $0.value.ratingSum / Double($0.value.count),
          opens: $0.value.first * 2 > $0.value.count, closes: $0.value.last * 2 > $0.value.count)
      }
    let words = history.flatMap { TextFeatures.tokenize($0.text) }
    var positive: [String: Int] = [:]
    var negative: [String: Int] = [:]
    for w in words where Self.adjectives.contains(w) {
      if Lexicons.positive.contains(w) { positive[w, default: 0] += 1 }
      if Lexicons.negative.contains(w) { negative[w, default: 0] += 1 }
    }
    positiveWords = Self.ranked(positive, minCount: 1)
    negativeWords = Self.ranked(negative, minCount: 1)
  }

  /// Lexicon words that read correctly in "The {aspect} is {adjective}."
  static let adjectives: Set<String> = [
    "good", "great", "excellent", "amazing", "awesome", "perfect", "nice", "fantastic", "wonderful", "solid", "sturdy",
    "comfortable", "easy", "fine", "impressive", "useful", "handy", "reliable", "superb", "brilliant", "lovely",
    "cute", "gorgeous", "smooth", "terrific", "incredible", "outstanding", "pleasant", "bad", "poor", "terrible",
    "awful", "horrible", "cheap", "flimsy", "useless", "defective", "annoying", "uncomfortable", "difficult",
    "slow", "wrong", "mediocre", "lousy", "overpriced", "flawed", "ugly", "disappointing",
  ]

  /// Keys with count ≥ minCount, by count descending then key ascending (deterministic).
  static func ranked(_ counts: [String: Int], minCount: Int) -> [String] {
    counts.filter { $0.value >= minCount }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
  }
}

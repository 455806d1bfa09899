import DRPCore
import DRPReasoning
import Foundation

/// Writes a plausible review without a language model — the embedded default generator.
///
/// The review is assembled from sentence patterns (written by us) about the item's title and the
/// aspects named in its description, in the sentiment of the rating, and dressed in the user's
/// habits (`WritingHabits`): typical length, repeated sentences (as opener, closer or in the middle,
/// when they fit the rating), exclamation marks,
/// questions, ellipses, ALL CAPS emphasis, lowercase sentence starts, emoji and the user's own
/// judgement words. Per mode: `nonp` uses neutral habits; `rag` the habits of the history;
/// `dpl`/`drp` also short phrases (2-6 words) quoted in the profile's evidence.
/// Output is deterministic: the random choices are seeded by user id and item id.
public struct OfflineGenerator: Sendable {
  /// Creates a generator.
  public init() {}

  /// Generates the review text.
  /// - Parameters:
  ///   - item: the target item.
  ///   - history: the user's past reviews (the user id is taken from them for seeding).
  ///   - profile: the difference profile (used by `dpl`/`drp`).
  ///   - rating: the target rating; nil → the user's mean rating (4 without history).
  ///   - title: the target title; its words steer nothing but it seeds the choice of patterns.
  ///   - mode: the pipeline mode.
  public func generate(
    item: ItemInfo, history: [ReviewSample], profile: DifferenceProfile?, rating: Double?, title: String?,
    mode: PipelineMode
  ) -> String {
    let used = mode.usesHistory ? history : []
    let habits = WritingHabits(history: used)
    let userID = profile?.userID ?? history.first?.userID ?? ""
    var random = SplitMix64(seeding: userID, item.id, title ?? "", mode.rawValue)
    let stars = rating ?? habits.meanRating ?? 4
    let mood: Mood = stars >= 4 ? .positive : stars <= 2 ? .negative : .mixed
    let name = Self.shortName(item.title)
    let aspects = Self.aspects(item.description)
    let adjectives = mood.adjectives(habits)
    var extras = mode.usesProfile ? Self.profilePhrases(profile, mood: mood) : []

    var sentences: [String] = []
    var words = 0
    var patterns = mood.patterns.shuffled(using: &random)
    var round = 0
    while words < habits.medianWords * 9 / 10 && round < 40 {
      if patterns.isEmpty {
        patterns = mood.patterns.shuffled(using: &random)
      }
      let aspect = aspects[round % aspects.count]
      let adjective = adjectives[(round + Int(random.next() % 3)) % adjectives.count]
      var sentence = patterns.removeLast()
        .replacingOccurrences(of: "{item}", with: name)
        .replacingOccurrences(of: "{aspect}", with: aspect)
        .replacingOccurrences(
          of: "{adj}", with: random.chance(habits.capsPerSentence) ? adjective.uppercased() : adjective)
      if let extra = extras.popLast(), !habits.catchphrases.contains(where: { $0.text == extra }) {
        sentence += " " + extra
      }
      sentences.append(sentence)
      words += TextFeatures(sentence).wordCount
      round += 1
    }
    if habits.questionsPerReview >= 0.5 {
      sentences.insert(mood.question, at: min(sentences.count, 1 + Int(random.next() % 2)))
    }
    // The user's own repeated sentences, when they fit the rating: openers first, closers last,
    // one other in the middle.
    let fitting = habits.catchphrases.filter { abs($0.meanRating - stars) <= 1.5 }
    if let middle = fitting.first(where: { !$0.opens && !$0.closes }) {
      sentences.insert(middle.text, at: sentences.count / 2)
    }
    var dressed = sentences.map { dress($0, habits, &random) }
    if let opener = fitting.first(where: \.opens) { dressed.insert(opener.text, at: 0) }
    if let closer = fitting.first(where: \.closes) { dressed.append(closer.text) }
    var text = dressed.joined(separator: " ")
    if let emoji = habits.emoji, random.chance(max(0.5, habits.emojiPerReview)) { text += " " + emoji }
    return text
  }

  /// Applies punctuation and capitalisation habits to one sentence ending in ".".
  private func dress(_ sentence: String, _ habits: WritingHabits, _ random: inout SplitMix64) -> String {
    var s = sentence
    if s.hasSuffix("."), !s.hasSuffix("?") {
      if random.chance(habits.exclamationsPerSentence) {
        s = String(s.dropLast()) + "!"
      } else if random.chance(habits.ellipsesPerSentence) {
        s = String(s.dropLast()) + "..."
      }
    }
    if random.chance(habits.lowercaseStarts) { s = Self.lowercasingFirst(s) }
    return s
  }

  enum Mood {
    case positive, negative, mixed

    /// Sentence patterns; each carries a lexicon word of its sentiment so the polarity is measurable.
    var patterns: [String] {
      switch self {
      case .positive:
        return [
          "The {aspect} is {adj}.", "I have been using the {item} for a few weeks and it works great.",
          "The {item} does exactly what I wanted, I am happy with it.", "Really happy with the {aspect}.",
          "The {aspect} turned out better than I expected, {adj} stuff.", "Setting it up was easy.",
          "For the price it is a {adj} buy.", "I would recommend the {item}.",
        ]
      case .negative:
        return [
          "The {aspect} is {adj}.", "The {item} was a disappointment.",
          "I had problems with the {aspect} from the start.",
          "Sadly it stopped working after a week.", "For the price I expected a lot more, disappointing.",
          "I would not recommend the {item}.", "The {aspect} felt {adj} out of the box.",
        ]
      case .mixed:
        return [
          "The {aspect} is {adj}, but nothing special.", "The {item} works, with a few problems.",
          "Some things about the {aspect} are fine and some are not.", "It is okay for the price.",
          "I have mixed feelings about the {item}.", "The {aspect} could be better.",
        ]
      }
    }

    var question: String {
      switch self {
      case .positive: return "Would I buy it again? Yes."
      case .negative: return "Would I buy it again? No."
      case .mixed: return "Would I buy it again? Maybe."
      }
    }

    func adjectives(_ habits: WritingHabits) -> [String] {
      switch self {
      case .positive: return habits.positiveWords.isEmpty ? ["great", "solid", "nice"] : habits.positiveWords
      case .negative: return habits.negativeWords.isEmpty ? ["poor", "flimsy", "disappointing"] : habits.negativeWords
      case .mixed: return ["fine", "okay", "decent"]
      }
    }
  }

  /// The title up to the first comma, dash or parenthesis, at most six words, lowercased unless it
  /// looks like a brand (capitalised words are kept).
  static func shortName(_ title: String) -> String {
    let head = title.split(whereSeparator: { ",-(|:".contains($0) }).first.map(String.init) ?? title
    let words = head.split(whereSeparator: \.isWhitespace).prefix(6).joined(separator: " ")
    return words.isEmpty ? "product" : words
  }

  /// Up to four noun phrases of the description (the last one or two words of each run of content
  /// words between function words and punctuation: "a quick boil element" → "boil element"),
  /// most frequent head first; generic fallbacks without any.
  static func aspects(_ description: String) -> [String] {
    var phrases: [String] = []
    var run: [String] = []
    func close() {
      if let head = run.last, head.count >= 4, !Lexicons.positive.contains(head), !Lexicons.negative.contains(head) {
        phrases.append(run.suffix(2).joined(separator: " "))
      }
      run = []
    }
    for token in description.lowercased().split(separator: " ", omittingEmptySubsequences: true) {
      let word = token.filter { $0.isLetter || $0 == "-" }
      if word.isEmpty || Lexicons.stopwords.contains(word) {
        close()
        continue
      }
      run.append(word)
      if token.last.map({ !$0.isLetter }) ?? false { close() }
    }
    close()
    var counts: [String: Int] = [:]
    for p in phrases { counts[p, default: 0] += 1 }
    var seen: Set<String> = []
    let ordered = phrases.filter { seen.insert($0).inserted }
    let ranked = ordered.enumerated().sorted { (counts[$0.element]!, -$0.offset) > (counts[$1.element]!, -$1.offset) }
      .prefix(4).map(\.element)
    return ranked.isEmpty ? ["quality", "design", "price"] : ranked
  }

  /// Short profile evidence worth reusing: distinct quoted phrases of 2-6 words whose sentiment
  /// does not contradict the review's, at most two.
  static func profilePhrases(_ profile: DifferenceProfile?, mood: Mood) -> [String] {
    guard let profile else { return [] }
    var seen: Set<String> = []
    let phrases = profile.dimensions.flatMap(\.evidence).filter { e in
      let f = TextFeatures(e)
      let contradicts = (mood == .positive && f.polarity < 0) || (mood == .negative && f.polarity > 0)
      return f.wordCount >= 2 && f.wordCount <= 6 && !e.hasPrefix("review ") && !e.hasPrefix("item ") && !contradicts
        && seen.insert(f.words.joined(separator: " ")).inserted
    }
    return Array(phrases.prefix(2)).reversed()
  }

  static func lowercasingFirst(_ s: String) -> String {
    guard let first = s.first, first.isUppercase, !s.hasPrefix("I ") else { return s }
    return first.lowercased() + s.dropFirst()
  }
}

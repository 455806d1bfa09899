import Foundation

/// Countable surface features of one review text, the raw material of the statistical analyser
/// and of the offline generator's habit matching.
public struct TextFeatures: Hashable, Sendable {
  /// Lowercased word tokens (letters, digits and apostrophes).
  public let words: [String]
  /// Number of sentences (runs ending in `.`, `!`, `?` or the end of text).
  public let sentences: Int
  /// Count of `!` characters.
  public let exclamations: Int
  /// Count of `?` characters.
  public let questions: Int
  /// Count of ellipses (`...` or `…`).
  public let ellipses: Int
  /// Count of emoji (scalars with emoji presentation).
  public let emoji: Int
  /// Words of three or more letters written entirely in capitals ("GREAT"; not "I", "OK").
  public let allCapsWords: Int
  /// Sentences whose first letter is lowercase.
  public let lowercaseSentenceStarts: Int
  /// First-person singular pronouns.
  public let firstPerson: Int
  /// Positive lexicon words, plus negated negative ones ("never fails").
  public let positive: Int
  /// Negative lexicon words, plus negated positive ones ("not good").
  public let negative: Int
  /// Intensifier words.
  public let intensifiers: Int

  /// Number of words.
  public var wordCount: Int { words.count }
  /// Polarity in [-1, 1]: (positive − negative) / (positive + negative), 0 without sentiment words.
  public var polarity: Double {
    positive + negative == 0 ? 0 : Double(positive - negative) / Double(positive + negative)
  }

  /// Measures `text`.
  public init(_ text: String) {
    words = Self.tokenize(text)
    var sentences = 0
    var lowercaseStarts = 0
    var atSentenceStart = true
    var inSentence = false
    var exclamations = 0
    var questions = 0
    var emoji = 0
    for ch in text {
      if ch == "!" { exclamations += 1 }
      if ch == "?" { questions += 1 }
      if ch.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) { emoji += 1 }
      if ch == "." || ch == "!" || ch == "?" || ch == "…" {
        if inSentence { sentences += 1 }
        inSentence = false
        atSentenceStart = true
      } else if ch.isLetter {
        if atSentenceStart && ch.isLowercase { lowercaseStarts += 1 }
        atSentenceStart = false
        inSentence = true
      }
    }
    if inSentence { sentences += 1 }
    self.sentences = sentences
    self.exclamations = exclamations
    self.questions = questions
    self.emoji = emoji
    lowercaseSentenceStarts = lowercaseStarts
    ellipses = text.components(separatedBy: "...").count - 1 + text.filter { $0 == "…" }.count
    allCapsWords =
      text.split { !$0.isLetter }.filter { w in
        w.count >= 3 && w.allSatisfy { $0.isUppercase }
      }.count
    firstPerson = words.filter { Lexicons.firstPerson.contains($0) }.count
    var positive = 0
    var negative = 0
    for sentence in Self.sentences(of: text) {
      let tokens = Self.tokenize(sentence)
      for (i, word) in tokens.enumerated() {
        let isPositive = Lexicons.positive.contains(word)
        guard isPositive || Lexicons.negative.contains(word) else { continue }
        // A negator among the two preceding words of the same sentence flips the polarity
        // ("never fails", "not good").
        let negated = tokens[max(0, i - 2)..<i].contains { Self.negators.contains($0) || $0.hasSuffix("n't") }
        if isPositive != negated { positive += 1 } else { negative += 1 }
      }
    }
    self.positive = positive
    self.negative = negative
    intensifiers = words.filter { Lexicons.intensifiers.contains($0) }.count
  }

  /// The sentences of `text`, each with its terminating punctuation, trimmed.
  public static func sentences(of text: String) -> [String] {
    var result: [String] = []
    var current = ""
    var previousWasTerminator = false
    for ch in text {
      let isTerminator = ch == "." || ch == "!" || ch == "?" || ch == "…"
      if previousWasTerminator && !isTerminator {
        let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !s.isEmpty { result.append(s) }
        current = ""
      }
      current.append(ch)
      previousWasTerminator = isTerminator
    }
    let s = current.trimmingCharacters(in: .whitespacesAndNewlines)
    if !s.isEmpty { result.append(s) }
    return result
  }

  static let negators: Set<String> = [
    "not", "no", "never", "nothing", "hardly", "without", "dont", "didnt", "isnt", "wasnt",
  ]

  /// Lowercased word tokens: runs of letters, digits and apostrophes (straight or curly).
  public static func tokenize(_ text: String) -> [String] {
    text.lowercased().replacingOccurrences(of: "’", with: "'")
      .split { !($0.isLetter || $0.isNumber || $0 == "'") }
      .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
      .filter { !$0.isEmpty }
  }
}

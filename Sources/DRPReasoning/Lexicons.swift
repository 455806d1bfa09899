import Foundation

/// Small English word lists written for drp's statistical analyser and offline generator.
public enum Lexicons {
  /// Words that express a positive judgement.
  public static let positive: Set<String> = [
    "good", "great", "excellent", "amazing", "awesome", "love", "loved", "loves", "perfect", "nice", "fantastic",
    "wonderful", "best", "happy", "pleased", "recommend", "recommended", "beautiful", "solid", "sturdy", "comfortable",
    "easy", "works", "worked", "fine", "favorite", "favourite", "glad", "impressed", "impressive", "enjoy", "enjoyed",
    "fun", "useful", "handy", "reliable", "quality", "superb", "brilliant", "lovely", "cute", "gorgeous", "fast",
    "smooth", "satisfied", "worth", "terrific", "incredible", "outstanding", "delighted", "pleasant", "helpful",
  ]
  /// Words that express a negative judgement.
  public static let negative: Set<String> = [
    "bad", "poor", "terrible", "awful", "horrible", "hate", "hated", "broke", "broken", "cheap", "flimsy", "waste",
    "disappointed", "disappointing", "disappointment", "worst", "useless", "junk", "return", "returned", "refund",
    "defective", "problem", "problems", "issue", "issues", "annoying", "uncomfortable", "difficult", "hard",
    "slow", "fail", "failed", "fails", "wrong", "unhappy", "mediocre", "meh", "lousy", "garbage", "leaks", "leaked",
    "missing", "damaged", "overpriced", "crap", "sadly", "unfortunately", "regret", "worse", "flawed", "ugly",
  ]
  /// Intensifiers and emphatic words (ambiguous ones such as "so", "way", "much" are left out: "so far").
  public static let intensifiers: Set<String> = [
    "very", "really", "extremely", "super", "totally", "absolutely", "completely", "incredibly", "highly",
    "truly", "seriously", "definitely", "utterly", "insanely", "ridiculously", "too",
    "literally", "exceptionally", "remarkably", "especially", "entirely", "thoroughly", "perfectly",
  ]
  /// First-person singular pronouns and contractions.
  public static let firstPerson: Set<String> = [
    "i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll", "im", "ive",
  ]
  /// Function words excluded from vocabulary statistics.
  public static let stopwords: Set<String> = [
    "the", "a", "an", "and", "or", "but", "if", "then", "than", "of", "to", "in", "on", "at", "for", "with", "from",
    "by", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "it's", "this", "that", "these",
    "those", "there", "here", "they", "them", "their", "we", "us", "our", "you", "your", "he", "she", "his", "her",
    "i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll", "im", "ive", "not", "no", "do", "does", "did",
    "have", "has", "had", "will", "would", "can", "could", "should", "just", "so", "very", "really", "all", "also",
    "what", "which", "who", "when", "where", "how", "about", "out", "up", "down", "into", "over", "after", "before",
    "one", "get", "got", "some", "more", "any", "only", "other", "even", "well", "because", "too", "much", "don't",
    "doesn't", "didn't", "isn't", "wasn't", "can't", "won't", "am", "like", "product", "item",
  ]
}

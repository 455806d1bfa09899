import DRPCore

/// The writing habits of one synthetic user. Every trait is measurable in the generated text.
public struct Persona: Sendable, Equatable {
  /// How a persona capitalises.
  public enum Casing: String, Sendable {
    /// Ordinary sentence case.
    case normal
    /// Everything in lower case.
    case lower
    /// Sentence case with some words in capitals.
    case shouting
  }

  /// Word register the persona draws adjectives from (an index into `WordBank.registers`).
  public var register: Int
  /// Sentences per review body, before noise.
  public var sentences: Int
  /// Added to the item's quality to give the star rating.
  public var ratingBias: Double
  /// Probability that a sentence ends with "!!!".
  public var exclaim: Double
  /// Probability that a sentence ends with "...".
  public var ellipsis: Double
  /// Capitalisation habit.
  public var casing: Casing
  /// Probability that a sentence is written in the first person.
  public var firstPerson: Double
  /// Probability that a review contains a question.
  public var question: Double
  /// A phrase the persona repeats.
  public var catchphrase: String

  /// Draws a persona.
  public static func random(_ rng: inout SplitMix64) -> Persona {
    let casings: [Casing] = [.normal, .normal, .normal, .lower, .shouting]
    let exclaimer = rng.chance(0.25)
    return Persona(
      register: rng.int(0...(WordBank.registers.count - 1)),
      sentences: rng.pick([1, 1, 2, 2, 3, 4, 5, 6, 8, 10]),
      ratingBias: rng.pick([-1.5, -1.0, -0.5, 0, 0, 0.5, 1.0]),
      exclaim: exclaimer ? 0.6 + 0.3 * rng.nextUnit() : 0.02,
      ellipsis: !exclaimer && rng.chance(0.25) ? 0.5 + 0.3 * rng.nextUnit() : 0.01,
      casing: rng.pick(casings),
      firstPerson: rng.pick([0.05, 0.2, 0.5, 0.8, 0.95]),
      question: rng.pick([0.0, 0.0, 0.1, 0.6]),
      catchphrase: rng.pick(WordBank.catchphrases))
  }
}

// NLTK's PorterStemmer in its default NLTK_EXTENSIONS mode, reproduced rule for rule.

/// The Porter stemmer exactly as NLTK's `PorterStemmer()` (mode `NLTK_EXTENSIONS`) computes it: the original
/// algorithm plus NLTK's irregular-form table, the `ies`/`ied` length-4 rules, the `y`→`i` consonant
/// condition, the `alli`/`fulli`/`logi` step-2 rules and the two-letter `vc` case of the *o condition.
enum PorterStemmer {
  private typealias Word = [Unicode.Scalar]
  private typealias Condition = (Word) -> Bool
  /// A rule: when the word ends with `suffix`, replace it with `replacement` if `condition` holds on the stem.
  /// The suffix `*d` means "ends with a double consonant" (that rule removes both letters).
  private typealias Rule = (suffix: String, replacement: String, condition: Condition?)

  /// NLTK's table of irregular forms (form → stem), checked before any rule.
  private static let irregular: [String: String] = {
    let forms: [String: [String]] = [
      "sky": ["sky", "skies"], "die": ["dying"], "lie": ["lying"], "tie": ["tying"], "news": ["news"],
      "inning": ["innings", "inning"], "outing": ["outings", "outing"], "canning": ["cannings", "canning"],
      "howe": ["howe"], "proceed": ["proceed"], "exceed": ["exceed"], "succeed": ["succeed"],
    ]
    var pool: [String: String] = [:]
    for (stem, variants) in forms { for variant in variants { pool[variant] = stem } }
    return pool
  }()

  /// The stem of `word` (lowercased first, as NLTK does by default).
  static func stem(_ word: String) -> String {
    let lower = word.lowercased()
    if let irregularStem = irregular[lower] { return irregularStem }
    if word.unicodeScalars.count <= 2 { return lower }
    var scalars = Array(lower.unicodeScalars)
    for step in [step1a, step1b, step1c, step2, step3, step4, step5a, step5b] { scalars = step(scalars) }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
  }

  // MARK: Letter classes

  private static func isVowel(_ scalar: Unicode.Scalar) -> Bool { "aeiou".unicodeScalars.contains(scalar) }

  /// Per letter: is it a consonant (`y` is a consonant at the start or after a vowel).
  private static func consonantFlags(_ word: Word) -> [Bool] {
    var flags: [Bool] = []
    flags.reserveCapacity(word.count)
    for (index, scalar) in word.enumerated() {
      if isVowel(scalar) {
        flags.append(false)
      } else if scalar == "y" {
        flags.append(index == 0 ? true : !flags[index - 1])
      } else {
        flags.append(true)
      }
    }
    return flags
  }

  private static func isConsonant(_ word: Word, _ index: Int) -> Bool { consonantFlags(word)[index] }

  /// m: the number of vowel-run → consonant transitions.
  private static func measure(_ stem: Word) -> Int {
    let flags = consonantFlags(stem)
    var count = 0
    for index in flags.indices.dropFirst() where !flags[index - 1] && flags[index] { count += 1 }
    return count
  }

  private static func hasPositiveMeasure(_ stem: Word) -> Bool { measure(stem) > 0 }

  private static func containsVowel(_ stem: Word) -> Bool { consonantFlags(stem).contains(false) }

  private static func endsDoubleConsonant(_ word: Word) -> Bool {
    word.count >= 2 && word[word.count - 1] == word[word.count - 2] && isConsonant(word, word.count - 1)
  }

  /// *o: ends consonant-vowel-consonant (last not w, x, y), or (NLTK) is a two-letter vowel-consonant word.
  private static func endsCVC(_ word: Word) -> Bool {
    let n = word.count
    if n >= 3, isConsonant(word, n - 3), !isConsonant(word, n - 2), isConsonant(word, n - 1),
      !"wxy".unicodeScalars.contains(word[n - 1])
    {
      return true
    }
    return n == 2 && !isConsonant(word, 0) && isConsonant(word, 1)
  }

  // MARK: Rule machinery

  private static func endsWith(_ word: Word, _ suffix: String) -> Bool {
    let count = suffix.unicodeScalars.count
    return word.count >= count && word.suffix(count).elementsEqual(suffix.unicodeScalars)
  }

  private static func dropping(_ word: Word, _ suffix: String) -> Word {
    Array(word.dropLast(suffix.unicodeScalars.count))
  }

  /// Applies the first rule whose suffix matches (whether or not its condition then holds).
  private static func applyFirstMatching(_ word: Word, _ rules: [Rule]) -> Word {
    for rule in rules {
      if rule.suffix == "*d" && endsDoubleConsonant(word) {
        let stem = Array(word.dropLast(2))
        return rule.condition?(stem) ?? true ? stem + Array(rule.replacement.unicodeScalars) : word
      }
      if endsWith(word, rule.suffix) {
        let stem = dropping(word, rule.suffix)
        return rule.condition?(stem) ?? true ? stem + Array(rule.replacement.unicodeScalars) : word
      }
    }
    return word
  }

  // MARK: Steps

  private static func step1a(_ word: Word) -> Word {
    if endsWith(word, "ies") && word.count == 4 { return dropping(word, "ies") + ["i", "e"] }
    return applyFirstMatching(word, [("sses", "ss", nil), ("ies", "i", nil), ("ss", "ss", nil), ("s", "", nil)])
  }

  private static func step1b(_ word: Word) -> Word {
    if endsWith(word, "ied") {
      return dropping(word, "ied") + (word.count == 4 ? ["i", "e"] : ["i"])
    }
    if endsWith(word, "eed") {
      let stem = dropping(word, "eed")
      return measure(stem) > 0 ? stem + ["e", "e"] : word
    }
    var intermediate: Word? = nil
    for suffix in ["ed", "ing"] where endsWith(word, suffix) {
      let candidate = dropping(word, suffix)
      if containsVowel(candidate) {
        intermediate = candidate
        break
      }
    }
    guard let stem = intermediate, let last = stem.last else { return word }
    return applyFirstMatching(
      stem,
      [
        ("at", "ate", nil), ("bl", "ble", nil), ("iz", "ize", nil),
        ("*d", String(last), { _ in !"lsz".unicodeScalars.contains(last) }),
        ("", "e", { measure($0) == 1 && endsCVC($0) }),
      ])
  }

  private static func step1c(_ word: Word) -> Word {
    applyFirstMatching(word, [("y", "i", { $0.count > 1 && isConsonant($0, $0.count - 1) })])
  }

  private static func step2(_ word: Word) -> Word {
    if endsWith(word, "alli") && hasPositiveMeasure(dropping(word, "alli")) {
      return step2(dropping(word, "alli") + ["a", "l"])
    }
    let positive: Condition = hasPositiveMeasure
    let pairs: [(String, String)] = [
      ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"), ("bli", "ble"),
      ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"), ("ization", "ize"), ("ation", "ate"),
      ("ator", "ate"), ("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous"),
      ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"), ("fulli", "ful"),
    ]
    var rules: [Rule] = pairs.map { ($0.0, $0.1, positive) }
    rules.append(("logi", "log", { _ in hasPositiveMeasure(Array(word.dropLast(3))) }))
    return applyFirstMatching(word, rules)
  }

  private static func step3(_ word: Word) -> Word {
    let pairs: [(String, String)] = [
      ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
    ]
    return applyFirstMatching(word, pairs.map { ($0.0, $0.1, hasPositiveMeasure) })
  }

  private static func step4(_ word: Word) -> Word {
    let greaterThanOne: Condition = { measure($0) > 1 }
    var rules: [Rule] = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent"].map {
      ($0, "", greaterThanOne)
    }
    rules.append(("ion", "", { measure($0) > 1 && ($0.last == "s" || $0.last == "t") }))
    rules += ["ou", "ism", "ate", "iti", "ous", "ive", "ize"].map { ($0, "", greaterThanOne) }
    return applyFirstMatching(word, rules)
  }

  private static func step5a(_ word: Word) -> Word {
    guard word.last == "e" else { return word }
    let stem = Array(word.dropLast())
    let m = measure(stem)
    return m > 1 || (m == 1 && !endsCVC(stem)) ? stem : word
  }

  private static func step5b(_ word: Word) -> Word {
    applyFirstMatching(word, [("ll", "l", { _ in measure(Array(word.dropLast())) > 1 })])
  }
}

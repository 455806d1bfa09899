import DRPCore

/// Writes one review in a persona's style.
struct ReviewComposer {
  let persona: Persona
  let noun: String
  let rating: Double

  func compose(_ rng: inout SplitMix64) -> (title: String, text: String) {
    let words = WordBank.registers[persona.register]
    let positive = rating >= 3.5
    let adjectives = positive ? words.positive : words.negative
    var sentences: [String] = []
    let count = max(1, persona.sentences + rng.int(-1...1))
    for index in 0..<count {
      let adjective = rng.pick(adjectives)
      let aspect = rng.pick(WordBank.aspects)
      var sentence: String
      if rng.chance(persona.firstPerson) {
        sentence = rng.pick([
          "I think this \(noun) is \(adjective)", "I found \(aspect) \(adjective)",
          "I use it \(rng.pick(WordBank.uses)) and my verdict is \(adjective)",
          "My \(noun) arrived and I would call it \(adjective)",
        ])
      } else {
        sentence = rng.pick([
          "This \(noun) is \(adjective)", "Overall \(aspect) is \(adjective)", "The \(noun) feels \(adjective)",
          "Anyone using it \(rng.pick(WordBank.uses)) will find it \(adjective)", "Quality is \(adjective)",
        ])
      }
      if index == count - 1 && rng.chance(0.5) { sentence += ", \(persona.catchphrase)" }
      sentences.append(sentence + ending(&rng))
    }
    if rng.chance(persona.question) {
      sentences.insert(rng.pick(WordBank.questions), at: Int(rng.next() % UInt64(sentences.count + 1)))
    }
    let text = sentences.map(applyCasing).joined(separator: " ")
    let title = applyCasing("\(rng.pick(adjectives).capitalizedFirst) \(noun)" + ending(&rng))
    return (title, text)
  }

  private func ending(_ rng: inout SplitMix64) -> String {
    if rng.chance(persona.exclaim) { return "!!!" }
    if rng.chance(persona.ellipsis) { return "..." }
    return "."
  }

  private func applyCasing(_ sentence: String) -> String {
    switch persona.casing {
    case .normal: return sentence.capitalizedFirst
    case .lower: return sentence.lowercased()
    case .shouting:
      return sentence.split(separator: " ").enumerated().map { index, word in
        index % 3 == 2 ? word.uppercased() : String(word)
      }.joined(separator: " ").capitalizedFirst
    }
  }
}

extension String {
  var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

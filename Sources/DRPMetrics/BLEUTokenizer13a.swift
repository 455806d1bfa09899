// sacreBLEU's default "13a" tokenizer (mteval-v13a).

/// Tokenises a segment as sacreBLEU's `Tokenizer13a` does (after the `rstrip()` BLEU applies first).
enum BLEUTokenizer13a {
  /// The tokens of `segment`.
  static func tokens(_ segment: String) -> [String] {
    PythonText.split(tokenizedLine(segment))
  }

  /// The tokenised line, tokens joined by single spaces, as sacreBLEU produces it.
  static func tokenizedLine(_ segment: String) -> String {
    var line = PythonText.rstrip(segment)
    line = line.replacingOccurrences(of: "<skipped>", with: "")
    line = line.replacingOccurrences(of: "-\n", with: "")
    line = line.replacingOccurrences(of: "\n", with: " ")
    if line.contains("&") {
      for (entity, character) in [("&quot;", "\""), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")] {
        line = line.replacingOccurrences(of: entity, with: character)
      }
    }
    var scalars = Array(" \(line) ".unicodeScalars)
    scalars = scalars.flatMap { isSymbol($0) ? [" ", $0, " "] : [$0] }
    // ([^0-9])([\.,]) -> "\1 \2 "
    scalars = substitutePairs(scalars, { !isDigit($0) }, { $0 == "." || $0 == "," }) { [$0, " ", $1, " "] }
    // ([\.,])([^0-9]) -> " \1 \2"
    scalars = substitutePairs(scalars, { $0 == "." || $0 == "," }, { !isDigit($0) }) { [" ", $0, " ", $1] }
    // ([0-9])(-) -> "\1 \2 "
    scalars = substitutePairs(scalars, isDigit, { $0 == "-" }) { [$0, " ", $1, " "] }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return PythonText.split(String(view)).joined(separator: " ")
  }

  /// The characters the first 13a rule surrounds with spaces: `[{-~[-` -&(-+:-@/]`.
  private static func isSymbol(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
    default: return false
    }
  }

  private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

  /// Python `re.sub` of a two-character pattern `(A)(B)`: scans left to right, non-overlapping.
  private static func substitutePairs(
    _ scalars: [Unicode.Scalar], _ first: (Unicode.Scalar) -> Bool, _ second: (Unicode.Scalar) -> Bool,
    _ replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]
  ) -> [Unicode.Scalar] {
    var output: [Unicode.Scalar] = []
    output.reserveCapacity(scalars.count + 16)
    var index = 0
    while index < scalars.count {
      if index + 1 < scalars.count, first(scalars[index]), second(scalars[index + 1]) {
        output.append(contentsOf: replacement(scalars[index], scalars[index + 1]))
        index += 2
      } else {
        output.append(scalars[index])
        index += 1
      }
    }
    return output
  }
}

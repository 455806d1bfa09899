// NLTK's `word_tokenize` word rules (NLTKWordTokenizer, the improved Treebank tokenizer) for METEOR.
import Foundation

/// Splits text into words as NLTK 3.10's `word_tokenize(text, preserve_line=True)` does: the
/// `NLTKWordTokenizer` rules (starting quotes, punctuation, brackets, double dashes, ending quotes and
/// clitics such as `n't`/`'s`, then the MacIntyre contractions `cannot`, `gonna`, ...), applied in
/// NLTK's order to the whole text, then split on whitespace. `word_tokenize` without `preserve_line`
/// first splits sentences with the Punkt model, which this does not do (docs/METRICS.md measures the
/// difference): a period ending a sentence inside the text stays attached to its word here.
///
/// The rules are NLTK's regular expressions run by ICU, with Python's Unicode `\s`, `\w` and `\b`
/// written out as classes, so both engines read them alike.
enum TreebankTokenizer {
  /// Python's `\s` for `str` (what `str.isspace` accepts), as an ICU class.
  private static let space =
    #"[\t\n\x{0B}\f\r\x{1C}-\x{1F} \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]"#
  /// Python's `\w` for `str` (alphanumerics and `_`), as an ICU class.
  private static let word = #"[\p{L}\p{N}_]"#
  /// Python's `\b` in terms of ``word``.
  private static let boundary = "(?:(?<=\(word))(?!\(word))|(?<!\(word))(?=\(word)))"

  /// One substitution: a pattern (Python syntax with `\s`, `\w`, `\b` rewritten) and an ICU template.
  private struct Rule: @unchecked Sendable {
    let regex: NSRegularExpression
    let template: String

    init(_ pattern: String, _ template: String) {
      let translated =
        pattern
        .replacingOccurrences(of: #"\s"#, with: TreebankTokenizer.space)
        .replacingOccurrences(of: #"\w"#, with: TreebankTokenizer.word)
        .replacingOccurrences(of: #"\b"#, with: TreebankTokenizer.boundary)
      // The patterns are constants checked by the tests: failing to compile one is a programming error.
      regex = try! NSRegularExpression(pattern: translated, options: [.useUnixLineSeparators])
      self.template = template
    }

    func apply(_ text: String) -> String {
      regex.stringByReplacingMatches(
        in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
  }

  /// NLTK's rule lists in the order `NLTKWordTokenizer.tokenize` applies them. The text is padded with a
  /// space on each side between the double-dash rule and the ending quotes (``padding``).
  private static let leading: [Rule] = [
    // Starting quotes.
    Rule(#"([«“‘„]|[`]+)"#, " $1 "),
    Rule(#"^\""#, "``"),
    Rule(#"(``)"#, " $1 "),
    Rule(#"([ \(\[{<])(\"|\'{2})"#, "$1 `` "),
    Rule(#"(?i)(?<!\w)(\')(?!(?:re|ve|ll|m|t|s|d|n)\b)(?=\w)"#, "$1 "),
    // Punctuation.
    Rule(#"([^\.])(\.)([\]\)}>"\'»”’ ]*+)\s*$"#, "$1 $2 $3 "),
    Rule(#"([:,])([^\d])"#, " $1 $2"),
    Rule(#"([:,])$"#, " $1 "),
    Rule(#"\.{2,}"#, " $0 "),
    Rule(#"[;@#$%&]"#, " $0 "),
    Rule(#"[\x{2012}-\x{2015}]"#, " $0 "),
    Rule(#"([^\.])(\.)([\]\)}>"\']*)\s*$"#, "$1 $2$3 "),
    Rule(#"[?!]"#, " $0 "),
    Rule(#"([^'])' "#, "$1 ' "),
    Rule(#"[*]"#, " $0 "),
    // Brackets and double dashes.
    Rule(#"[\]\[\(\)\{\}\<\>]"#, " $0 "),
    Rule(#"--"#, " -- "),
  ]

  private static let trailing: [Rule] = [
    // Ending quotes and clitics.
    Rule(#"([»”’])"#, " $1 "),
    Rule(#"''"#, " '' "),
    Rule("\"", " '' "),
    Rule(#"\s+"#, " "),
    Rule(#"([^' ])('[sS]|'[mM]|'[dD]|') "#, "$1 $2 "),
    Rule(#"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "#, "$1 $2 "),
    // MacIntyre contractions (CONTRACTIONS2, then CONTRACTIONS3).
    Rule(#"(?i)\b(can)(not)\b"#, " $1 $2 "),
    Rule(#"(?i)\b(d)('ye)\b"#, " $1 $2 "),
    Rule(#"(?i)\b(gim)(me)\b"#, " $1 $2 "),
    Rule(#"(?i)\b(gon)(na)\b"#, " $1 $2 "),
    Rule(#"(?i)\b(got)(ta)\b"#, " $1 $2 "),
    Rule(#"(?i)\b(lem)(me)\b"#, " $1 $2 "),
    Rule(#"(?i)\b(more)('n)\b"#, " $1 $2 "),
    Rule(#"(?i)\b(wan)(na)(?=\s)"#, " $1 $2 "),
    Rule(#"(?i) ('t)(is)\b"#, " $1 $2 "),
    Rule(#"(?i) ('t)(was)\b"#, " $1 $2 "),
  ]

  /// The words of `text` (NLTK `word_tokenize(text, preserve_line=True)`).
  static func wordTokenize(_ text: String) -> [String] {
    var text = text
    for rule in leading { text = rule.apply(text) }
    text = " " + text + " "
    for rule in trailing { text = rule.apply(text) }
    return PythonText.split(text)
  }
}

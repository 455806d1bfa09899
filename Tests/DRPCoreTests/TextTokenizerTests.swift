import DRPCore
import XCTest

final class TextTokenizerTests: XCTestCase {
  func testEmptyAndPunctuationOnlyGiveNoWords() {
    XCTAssertEqual(TextTokenizer.words(""), [])
    XCTAssertEqual(TextTokenizer.words("  ...!?  -- "), [])
  }

  func testLowercasesAndKeepsInnerApostrophes() {
    XCTAssertEqual(TextTokenizer.words("Don't BUY it!!"), ["don't", "buy", "it"])
    XCTAssertEqual(TextTokenizer.words("It\u{2019}s fine"), ["it's", "fine"])
    XCTAssertEqual(TextTokenizer.words("''rock'n'roll'' students' 'tis"), ["rock'n'roll", "students", "tis"])
    XCTAssertEqual(TextTokenizer.words("a''b"), ["a", "b"])
  }

  func testNumbersAreWords() {
    XCTAssertEqual(TextTokenizer.words("Rated 4.5 stars, 10/10"), ["rated", "4", "5", "stars", "10", "10"])
  }

  func testUnicodeLettersMarksAndSeparators() {
    XCTAssertEqual(TextTokenizer.words("Café ÀÉÎ Ünïcödé"), ["café", "àéî", "ünïcödé"])
    XCTAssertEqual(TextTokenizer.words("nai\u{0308}ve"), ["nai\u{0308}ve"])
    XCTAssertEqual(TextTokenizer.words("good👍bad"), ["good", "bad"])
    XCTAssertEqual(TextTokenizer.words("日本語のテキスト です"), ["日本語のテキスト", "です"])
    XCTAssertEqual(TextTokenizer.words("ΚΑΛΟ προϊόν"), ["καλο", "προϊόν"])
  }

  func testForEachWordMatchesWords() {
    let text = "Mixed CASE, ünïcode and don't-stop 42"
    var collected: [String] = []
    TextTokenizer.forEachWord(in: text) { collected.append(String(decoding: $0, as: UTF8.self)) }
    XCTAssertEqual(collected, TextTokenizer.words(text))
    XCTAssertEqual(collected, ["mixed", "case", "ünïcode", "and", "don't", "stop", "42"])
  }

  func testSentences() {
    XCTAssertEqual(TextTokenizer.sentences(""), [])
    XCTAssertEqual(
      TextTokenizer.sentences("Great product. Works well! Would buy again?"),
      ["Great product.", "Works well!", "Would buy again?"])
    XCTAssertEqual(TextTokenizer.sentences("Rated 4.5 stars. Nice"), ["Rated 4.5 stars.", "Nice"])
    XCTAssertEqual(TextTokenizer.sentences("Wow!!! \"Really.\" Ok"), ["Wow!!!", "\"Really.\"", "Ok"])
    XCTAssertEqual(TextTokenizer.sentences("First line\n\n  second line  "), ["First line", "second line"])
  }
}

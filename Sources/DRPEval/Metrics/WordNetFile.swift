// Byte-level reading of WordNet database files: lines and whitespace-separated tokens, as NLTK's reader sees them.
import Foundation

/// One WordNet database file held in memory, walked line by line at the byte level.
struct WordNetFile {
  /// Where the file was read from (for error messages).
  let path: String
  /// The file's bytes.
  let bytes: [UInt8]

  /// Reads `name` from `directory`.
  init(directory: String, name: String) throws(WordNetError) {
    path = (directory as NSString).appendingPathComponent(name)
    guard let data = FileManager.default.contents(atPath: path) else { throw WordNetError.unreadableFile(path: path) }
    bytes = [UInt8](data)
  }

  /// Calls `body` with each line's byte offset and tokens; with `skipIndented`, lines that start with a space
  /// (the license header of index and data files) are skipped, as NLTK does.
  func forEachLine(
    skipIndented: Bool = true, _ body: (_ start: Int, _ tokens: inout Tokens) throws(WordNetError) -> Void
  ) throws(WordNetError) {
    try bytes.withUnsafeBufferPointer { (buffer) throws(WordNetError) in
      var start = 0, number = 0
      while start < buffer.count {
        var end = start
        while end < buffer.count && buffer[end] != UInt8(ascii: "\n") { end += 1 }
        number += 1
        if !skipIndented || buffer[start] != UInt8(ascii: " ") {
          var tokens = Tokens(buffer: buffer, position: start, end: end, path: path, line: number)
          try body(start, &tokens)
        }
        start = end + 1
      }
    }
  }

  /// The whitespace-separated tokens of one line (Python `str.split()` over ASCII).
  struct Tokens {
    let buffer: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int
    let path: String
    let line: Int

    /// Python's ASCII whitespace: tab, newline, vertical tab, form feed, carriage return, 0x1C–0x1F, space.
    static func isSpace(_ byte: UInt8) -> Bool { (0x09...0x0D).contains(byte) || (0x1C...0x20).contains(byte) }

    /// The next token's byte range, or nil at the end of the line.
    mutating func next() -> Range<Int>? {
      while position < end && Self.isSpace(buffer[position]) { position += 1 }
      guard position < end else { return nil }
      let start = position
      while position < end && !Self.isSpace(buffer[position]) { position += 1 }
      return start..<position
    }

    /// The next token, or a `malformedLine` error naming `what` was expected.
    mutating func require(_ what: String) throws(WordNetError) -> Range<Int> {
      guard let token = next() else { throw failure("missing \(what)") }
      return token
    }

    /// The next token as a non-negative integer in `radix` (10 or 16).
    mutating func integer(_ what: String, radix: Int = 10) throws(WordNetError) -> Int {
      let token = try require(what)
      var value = 0
      for index in token {
        guard let digit = Self.digit(buffer[index], radix: radix), value < Int(Int32.max) else {
          throw failure("\(what) is not a \(radix == 16 ? "hexadecimal" : "decimal") number: \(text(token))")
        }
        value = value * radix + digit
      }
      return value
    }

    /// The bytes of `range` as text (for error messages).
    func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self) }

    /// An error about this line.
    func failure(_ reason: String) -> WordNetError { .malformedLine(path: path, line: line, reason: reason) }

    private static func digit(_ byte: UInt8, radix: Int) -> Int? {
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: return Int(byte - UInt8(ascii: "a")) + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: return Int(byte - UInt8(ascii: "A")) + 10
      default: return nil
      }
    }
  }
}

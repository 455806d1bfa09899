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
        var end = buffer.count
        let rest = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[start...]))
        if let base = rest.baseAddress, let newline = memchr(base, Int32(UInt8(ascii: "\n")), rest.count) {
          end = start + (UnsafeRawPointer(newline) - base)
        }
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
    /// (Plain comparisons: range patterns cost a generic call per byte in debug builds.)
    static func isSpace(_ byte: UInt8) -> Bool {
      byte <= 0x20 && (byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte >= 0x1C)
    }

    /// The next token's byte range, or nil at the end of the line.
    mutating func next() -> Range<Int>? {
      while position < end && Self.isSpace(buffer[position]) { position += 1 }
      guard position < end else { return nil }
      let start = position
      // Most bytes are printable: one comparison before the full whitespace test (debug builds call per byte).
      while position < end && (buffer[position] > 0x20 || !Self.isSpace(buffer[position])) { position += 1 }
      return start..<position
    }

    /// The next token, or a `malformedLine` error naming `what` was expected.
    mutating func require(_ what: String) throws(WordNetError) -> Range<Int> {
      guard let token = next() else { throw failure("missing \(what)") }
      return token
    }

    /// The next token as an integer in `radix` (10 or 16) from 0 to `Int32.max`.
    mutating func integer(_ what: String, radix: Int = 10) throws(WordNetError) -> Int {
      let token = try require(what)
      var value = 0
      for index in token {
        guard let digit = Self.digit(buffer[index], radix: radix) else {
          throw failure("\(what) is not a \(radix == 16 ? "hexadecimal" : "decimal") number: \(text(token))")
        }
        value = value * radix + digit
        guard value <= Int(Int32.max) else { throw failure("\(what) is too large: \(text(token))") }
      }
      return value
    }

    /// The bytes of `range` as text (for error messages).
    func text(_ range: Range<Int>) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// An error about this line.
    func failure(_ reason: String) -> WordNetError { .malformedLine(path: path, line: line, reason: reason) }

    private static func digit(_ byte: UInt8, radix: Int) -> Int? {
      if byte >= 0x30 && byte <= 0x39 { return Int(byte) - 0x30 }  // 0-9
      guard radix == 16 else { return nil }
      let lower = byte | 0x20
      return lower >= 0x61 && lower <= 0x66 ? Int(lower) - 0x61 + 10 : nil  // a-f, A-F
    }
  }
}

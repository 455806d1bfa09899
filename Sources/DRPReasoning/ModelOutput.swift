import DRPCore
import Foundation

/// Helpers for messy LLM output: reasoning blocks, code fences and lenient JSON.
public enum ModelOutput {
  /// Returns the answer after any `<think>…</think>` (or `<thinking>`) reasoning, trimmed.
  ///
  /// A closing tag without an opening one (servers that put `<think>` in the prompt) counts as the
  /// end of reasoning.
  /// - Throws: `ReasoningError.truncatedReasoning` when a reasoning block is opened and never closed;
  ///   `ReasoningError.emptyAnswer` when nothing is left after the reasoning.
  public static func answer(_ text: String) throws -> String {
    var rest = Substring(text)
    for tag in ["think", "thinking", "reasoning"] {
      if let end = rest.asciiRange(of: "</\(tag)>", last: true, ignoringCase: true) {
        rest = rest[end.upperBound...]
      }
      // An opening tag left after the last closing one was never closed.
      if rest.asciiRange(of: "<\(tag)>", ignoringCase: true) != nil {
        throw ReasoningError.truncatedReasoning
      }
    }
    let answer = rest.trimmingWhitespace()
    if answer.isEmpty { throw ReasoningError.emptyAnswer }
    return answer
  }

  /// The bodies of Markdown code fences (```json … ```), in order; an unclosed last fence runs to the end.
  /// A fence's body starts after the end of its opening line (`\n`, also the one of `\r\n`); an
  /// opening fence on the last line has no body. Scans the UTF-8 bytes (every delimiter is ASCII,
  /// so each body is whole characters), not `Character`s: a parser's answer is searched for fences
  /// several times per LLM reply.
  public static func codeFenceBodies(_ text: String) -> [String] {
    var text = text
    return text.withUTF8 { bytes in
      let tick = UInt8(ascii: "`")
      /// The offset of the first "```" at or after `from`.
      func fence(from: Int) -> Int? {
        var i = from
        while i + 2 < bytes.count {
          if bytes[i + 2] != tick {
            i += 3
          } else if bytes[i + 1] != tick {
            i += 2
          } else if bytes[i] != tick {
            i += 1
          } else {
            return i
          }
        }
        return nil
      }
      var bodies: [String] = []
      var position = 0
      while let open = fence(from: position) {
        // Skip the info string (e.g. "json") up to the end of the line.
        guard let newline = bytes[(open + 3)...].firstIndex(of: UInt8(ascii: "\n")) else { break }
        let start = newline + 1
        if let close = fence(from: start) {
          bodies.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<close]), as: UTF8.self))
          position = close + 3
        } else {
          bodies.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
          break
        }
      }
      return bodies
    }
  }

  /// The complete top-level JSON objects and arrays in `text`, in order, tolerating surrounding
  /// prose and trailing commas (`JSONParser.lenient`). Scanning stops at the first unclosed
  /// bracket (truncated output).
  public static func jsonValues(in text: String) -> [JSONValue] {
    let bytes = Array(text.utf8)
    var values: [JSONValue] = []
    var start = 0
    while start < bytes.count,
      let open = bytes[start...].firstIndex(where: { $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") })
    {
      guard let end = matchingClose(bytes, from: open) else { break }
      if let value = try? JSONParser.lenient.parse(bytes[open...end]) {
        values.append(value)
        start = end + 1
      } else {
        start = open + 1
      }
    }
    return values
  }

  /// The complete `{…}` objects that are direct elements of the first JSON array found after `key`
  /// (or of the first array at all when `key` is nil) — recovers the whole elements of a
  /// truncated array and drops the partial last one.
  public static func completeArrayObjects(in text: String, afterKey key: String?) -> [[String: JSONValue]] {
    let bytes = Array(text.utf8)
    var index = 0
    if let key {
      guard let keyRange = text.utf8.firstRange(of: Array("\"\(key)\"".utf8)) else { return [] }
      index = text.utf8.distance(from: text.utf8.startIndex, to: keyRange.upperBound)
    }
    guard let open = bytes[index...].firstIndex(of: UInt8(ascii: "[")) else { return [] }
    var objects: [[String: JSONValue]] = []
    var i = open + 1
    while i < bytes.count {
      let byte = bytes[i]
      if byte == UInt8(ascii: "]") { break }
      if byte == UInt8(ascii: "{") {
        guard let end = matchingClose(bytes, from: i) else { break }
        if let object = (try? JSONParser.lenient.parse(bytes[i...end]))?.object { objects.append(object) }
        i = end + 1
      } else {
        i += 1
      }
    }
    return objects
  }

  /// Index of the bracket closing the one at `open`, skipping string contents; nil when unclosed.
  static func matchingClose(_ bytes: [UInt8], from open: Int) -> Int? {
    var depth = 0
    var inString = false
    var escaped = false
    for i in open..<bytes.count {
      let byte = bytes[i]
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        depth -= 1
        if depth == 0 { return i }
      default: break
      }
    }
    return nil
  }

  /// A short single-line excerpt of `text` for error messages.
  static func excerpt(_ text: String, limit: Int = 80) -> String {
    let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
    return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
  }
}

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
  public static func codeFenceBodies(_ text: String) -> [String] {
    var bodies: [String] = []
    var rest = Substring(text)
    while let open = rest.firstRange(of: "```") {
      var body = rest[open.upperBound...]
      // Skip the info string (e.g. "json") up to the end of the line.
      if let newline = body.firstIndex(of: "\n") { body = body[body.index(after: newline)...] } else { break }
      if let close = body.firstRange(of: "```") {
        bodies.append(String(body[..<close.lowerBound]))
        rest = body[close.upperBound...]
      } else {
        bodies.append(String(body))
        break
      }
    }
    return bodies
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

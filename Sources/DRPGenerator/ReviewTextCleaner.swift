import DRPCore
import DRPReasoning
import Foundation

/// Cleans a generation model's answer down to the review text.
///
/// Removes `<think>` reasoning, Markdown code fences, a leading `[Review]:` label, a leading
/// preamble line ("Here is the review:", "Sure! Here's …:", "Review:"), a leading "Title: …" line and
/// surrounding quotes. ``paper(_:)`` is the released DRP pipeline's post-processing instead.
public enum ReviewTextCleaner {
  /// The answer after any reasoning, with a leading `[Review]:` label removed and nothing else
  /// changed: what the released DRP pipeline keeps of a generation.
  /// - Throws: `ReasoningError.truncatedReasoning` or `.emptyAnswer`.
  public static func paper(_ output: String) throws -> String {
    let answer = try ModelOutput.answer(output)
    let text = answer.hasPrefix(label) ? String(answer.dropFirst(label.count)).trimmingWhitespace() : answer
    if text.isEmpty { throw ReasoningError.emptyAnswer }
    return text
  }

  /// The label the v2 generation template asks the model to start with.
  static let label = "[Review]:"

  /// The review text in `output`.
  /// - Throws: `ReasoningError.truncatedReasoning` or `.emptyAnswer` (from `ModelOutput.answer`),
  ///   and `.emptyAnswer` when nothing is left after cleaning.
  public static func clean(_ output: String) throws -> String {
    var text = try ModelOutput.answer(output)
    if text.hasPrefix(label) { text = String(text.dropFirst(label.count)).trimmingWhitespace() }
    if let fenced = ModelOutput.codeFenceBodies(text).first(where: {
      !$0.trimmingWhitespace().isEmpty
    }) {
      text = fenced
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while let first = lines.first, first.trimmingCharacters(in: .whitespaces).isEmpty || isPreamble(first) {
      lines.removeFirst()
    }
    text = lines.joined(separator: "\n").trimmingWhitespace()
    text = stripQuotes(text)
    if text.isEmpty { throw ReasoningError.emptyAnswer }
    return text
  }

  /// A line that introduces the review rather than being part of it.
  static func isPreamble(_ line: String) -> Bool {
    let s = line.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "*", with: "")
    if s.hasPrefix("title:") || s == "review:" || s == "review text:" { return true }
    let intros = ["here is", "here's", "sure", "certainly", "okay, here", "ok, here", "below is"]
    return s.hasSuffix(":") && s.count < 120 && intros.contains { s.hasPrefix($0) }
  }

  private static func stripQuotes(_ text: String) -> String {
    let pairs: [(Character, Character)] = [("\"", "\""), ("“", "”"), ("'", "'")]
    for (open, close) in pairs where text.count >= 2 && text.first == open && text.last == close {
      let inner = text.dropFirst().dropLast()
      if !inner.contains(open) || open != close {
        return inner.trimmingWhitespace()
      }
    }
    return text
  }
}

import DRPCore

/// Separates `<think>…</think>` reasoning from answer text arriving in arbitrary pieces: a tag may
/// be split across pieces, so a possible tag prefix at the end of a piece is held back.
/// A closing tag with no opening tag (templates that put `<think>` in the prompt) is recognised
/// only before any answer text or tag, and only when the text before it arrives in the same piece
/// as the tag (so a stream never has to take back text it already delivered as answer).
struct ThinkSplitter {
  /// A run of text and whether it belongs to the reasoning.
  struct Part: Equatable {
    var text: String
    var isReasoning: Bool
  }

  private static let open = "<think>"
  private static let close = "</think>"
  private var pending = ""
  /// Whether any non-whitespace answer text or any tag has been seen (orphan `</think>` no longer possible).
  private var orphanCloseRuledOut = false
  /// Whether an opened think block has not been closed yet.
  private(set) var isInsideThink = false

  /// Consumes a piece of content and returns what can be classified so far.
  mutating func feed(_ text: String) -> [Part] {
    pending += text
    var parts: [Part] = []
    while true {
      let tag = isInsideThink ? Self.close : Self.open
      if let range = pending[...].asciiRange(of: tag) {
        append(String(pending[..<range.lowerBound]), to: &parts)
        pending = String(pending[range.upperBound...])
        isInsideThink.toggle()
        orphanCloseRuledOut = true
        continue
      }
      if !isInsideThink, !orphanCloseRuledOut, let range = pending[...].asciiRange(of: Self.close) {
        // `</think>` without `<think>` before any answer text: what precedes it was reasoning.
        let before = String(pending[..<range.lowerBound])
        if !before.isEmpty { parts.append(Part(text: before, isReasoning: true)) }
        pending = String(pending[range.upperBound...])
        orphanCloseRuledOut = true
        continue
      }
      let keep = Self.heldBackCount(pending, tags: isInsideThink ? [Self.close] : [Self.open, Self.close])
      append(String(pending.dropLast(keep)), to: &parts)
      pending = String(pending.suffix(keep))
      return parts
    }
  }

  /// Flushes any held-back text at the end of the content.
  mutating func finish() -> [Part] {
    var parts: [Part] = []
    append(pending, to: &parts)
    pending = ""
    return parts
  }

  private mutating func append(_ text: String, to parts: inout [Part]) {
    guard !text.isEmpty else { return }
    if !isInsideThink && text.contains(where: { !$0.isWhitespace }) { orphanCloseRuledOut = true }
    if let last = parts.last, last.isReasoning == isInsideThink {
      parts[parts.count - 1].text += text
    } else {
      parts.append(Part(text: text, isReasoning: isInsideThink))
    }
  }

  /// The length of the longest suffix of `text` that is a proper prefix of one of `tags`.
  private static func heldBackCount(_ text: String, tags: [String]) -> Int {
    var best = 0
    for tag in tags {
      for length in stride(from: min(tag.count - 1, text.count), to: best, by: -1)
      where text.hasSuffix(tag.prefix(length)) {
        best = length
        break
      }
    }
    return best
  }
}

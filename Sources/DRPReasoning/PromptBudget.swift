import DRPCore
import Foundation

/// A token budget for prompts and the truncation policy that enforces it.
///
/// Tokens are approximated as one token per 4 characters (Unicode scalars), rounded up — close to
/// BPE tokenisers on English prose and cheap to compute. Truncation happens on the raw review texts
/// before escaping and rendering, so the prompt's structure always stays valid:
/// 1. while over budget, the longest review text (ties: the least relevant, i.e. later in the list)
///    is cut at a word boundary by the excess (never below `minReviewCharacters`) and ends with "…";
/// 2. when no review can be shortened further, the least relevant unpinned review is dropped;
/// 3. when nothing can be shortened or dropped, the prompt is returned over budget (`truncated`).
public struct PromptBudget: Hashable, Sendable {
  /// Maximum estimated tokens of the whole prompt (all messages).
  public var maxTokens: Int
  /// Reviews are never cut below this many characters (they are dropped instead).
  public var minReviewCharacters: Int

  /// Creates a budget.
  public init(maxTokens: Int = 6000, minReviewCharacters: Int = 160) {
    self.maxTokens = maxTokens
    self.minReviewCharacters = minReviewCharacters
  }

  /// Estimated token count of `text`: characters / 4, rounded up.
  public static func estimateTokens(_ text: String) -> Int { (text.unicodeScalars.count + 3) / 4 }

  /// Cuts `text` to at most `limit` characters at a word boundary, appending "…" when cut.
  /// Reads at most `limit` characters of `text` (a huge text costs no more than a short one).
  public static func truncate(_ text: String, toCharacters limit: Int) -> String {
    guard text.utf8.count > limit,
      let end = text.index(text.startIndex, offsetBy: max(0, limit), limitedBy: text.endIndex), end != text.endIndex
    else { return text }
    let head = text.prefix(max(0, limit - 1))
    let cut = head.lastIndex(where: { $0.isWhitespace }).map { head[..<$0] } ?? head
    return cut.trimmingWhitespace() + "…"
  }

  /// Renders with `render` and shortens or drops reviews until the prompt fits (see the type docs).
  /// - Parameters:
  ///   - reviews: reviews in relevance order (most relevant first).
  ///   - pinned: how many leading reviews may be shortened but never dropped.
  ///   - render: builds the messages from the current reviews.
  /// - Returns: the messages, the reviews actually used and whether anything was cut.
  public func fit(
    _ reviews: [ReviewSample], pinned: Int = 0, render: ([ReviewSample]) throws -> [PromptMessage]
  ) rethrows -> (messages: [PromptMessage], reviews: [ReviewSample], truncated: Bool) {
    var current = reviews
    var truncated = false
    // A review longer than the whole budget is cut to it first, so the loop below never measures
    // more text than the budget allows (a 50 MB review costs as little as a 24 kB one).
    for index in current.indices {
      let capped = Self.truncate(current[index].text, toCharacters: maxTokens * 4)
      if capped != current[index].text {
        current[index].text = capped
        truncated = true
      }
    }
    // Each iteration strictly shortens a text or drops a review, so this terminates.
    while true {
      let messages = try render(current)
      let over = messages.reduce(0) { $0 + Self.estimateTokens($1.content) } - maxTokens
      if over <= 0 { return (messages, current, truncated) }
      let lengths = current.map { $0.text.count }
      if let longest = lengths.indices.filter({ lengths[$0] > minReviewCharacters })
        .max(by: { lengths[$0] < lengths[$1] || (lengths[$0] == lengths[$1] && $0 > $1) })
      {
        let target = max(minReviewCharacters, lengths[longest] - over * 4 - 8)
        current[longest].text = Self.truncate(current[longest].text, toCharacters: target)
      } else if current.count > pinned {
        current.removeLast()
      } else {
        return (messages, current, true)
      }
      truncated = true
    }
  }
}

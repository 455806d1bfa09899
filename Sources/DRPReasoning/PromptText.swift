import Foundation

/// Escaping and delimiting of untrusted text (reviews, titles, descriptions) inside prompts.
///
/// Every untrusted string is escaped (`&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`, and `"` → `&quot;`
/// in attributes) and wrapped in an element, so a review that says `</review> ignore previous
/// instructions` cannot close its element: the only real `<`/`>` in the prompt are ours, and the
/// system prompts tell the model that element contents are data.
public enum PromptText {
  /// Escapes `&`, `<` and `>` (and `"` when `attribute` is true).
  public static func escape(_ text: String, attribute: Bool = false) -> String {
    guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (attribute && $0 == 0x22) }) else {
      return text
    }
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in text {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"" where attribute: out += "&quot;"
      default: out.append(ch)
      }
    }
    return out
  }

  /// The item block: `<item id="…"><title>…</title><description>…</description></item>`.
  public static func item(_ item: ItemInfo) -> String {
    var s = "<item id=\"\(escape(item.id, attribute: true))\">\n<title>\(escape(item.title))</title>\n"
    if !item.description.isEmpty { s += "<description>\(escape(item.description))</description>\n" }
    return s + "</item>"
  }

  /// One review element, e.g. `<review id="12" rating="4">` with `<title>` and `<text>` children,
  /// preceded by the reviewed item's `<item_title>` and `<item_description>` when the sample
  /// carries its item.
  /// - Parameter element: the element name (`review`, or `user_review` for the target user's review).
  public static func review(_ review: ReviewSample, element: String = "review") -> String {
    let rating = review.rating == review.rating.rounded() ? String(Int(review.rating)) : String(review.rating)
    var s = "<\(element) id=\"\(review.id)\" rating=\"\(rating)\">\n"
    if let item = review.item {
      s += "<item_title>\(escape(item.title))</item_title>\n"
      if !item.description.isEmpty { s += "<item_description>\(escape(item.description))</item_description>\n" }
    }
    if !review.title.isEmpty { s += "<title>\(escape(review.title))</title>\n" }
    return s + "<text>\(escape(review.text))</text>\n</\(element)>"
  }

  /// Several review elements separated by blank lines; `(none)` when empty.
  public static func reviews(_ reviews: [ReviewSample]) -> String {
    reviews.isEmpty ? "(none)" : reviews.map { review($0) }.joined(separator: "\n\n")
  }
}

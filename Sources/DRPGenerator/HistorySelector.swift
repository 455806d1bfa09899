import DRPCore
import DRPReasoning
import Foundation

/// Picks the user's past reviews most relevant to a target item, for the generation prompt.
public enum HistorySelector {
  /// The `count` reviews of `history` ranked by BM25 of their title and text against the item's
  /// title and description (ties: newer first). Reviews of the target item itself are left out.
  public static func mostRelevant(_ history: [ReviewSample], to item: ItemInfo, count: Int) -> [ReviewSample] {
    let candidates = history.filter { $0.itemID != item.id }.sorted { $0.timestamp > $1.timestamp }
    guard count > 0, !candidates.isEmpty else { return [] }
    let bm25 = BM25(documents: candidates.map { TextTokenizer.words($0.title + " " + $0.text) })
    let ranked = bm25.topK(query: TextTokenizer.words(item.title + " " + item.description), k: count)
    return ranked.map { candidates[$0.index] }
  }
}

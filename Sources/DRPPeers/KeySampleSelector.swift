// Choosing the key samples: the user's history items most relevant to a target item.
import DRPCore

/// One item of a user's review history, as seen by ``KeySampleSelector``.
public struct KeySampleCandidate: Sendable, Equatable {
  /// The item's id.
  public var itemID: String
  /// The title (summary) of the user's review of the item.
  public var reviewTitle: String
  /// The item's description (title and text).
  public var itemDescription: String
  /// How many users other than this one reviewed the item.
  public var otherReviewerCount: Int

  /// A history entry.
  public init(itemID: String, reviewTitle: String, itemDescription: String, otherReviewerCount: Int) {
    self.itemID = itemID
    self.reviewTitle = reviewTitle
    self.itemDescription = itemDescription
    self.otherReviewerCount = otherReviewerCount
  }
}

/// A chosen key sample: a history item and its relevance to the target item.
public struct KeySample: Sendable, Equatable {
  /// The history item's id.
  public var itemID: String
  /// The entry's position in the history passed to ``KeySampleSelector/select(targetItemID:targetText:history:ranking:)``.
  public var historyIndex: Int
  /// Relevance: BM25 score or cosine similarity.
  public var score: Double
}

/// Chooses the K history items of a user most relevant to a target item ("key samples").
///
/// Only items that at least ``minOtherReviewers`` other users reviewed qualify (they need peers
/// to compare against), the target item itself never does, and the rest are ranked by BM25
/// relevance of (review title + item description) to the target item's text — or by the cosine
/// of given embeddings. Ties keep history order.
public struct KeySampleSelector: Sendable {
  /// How to rank eligible history items.
  public enum Ranking: Sendable {
    /// BM25 of `TextTokenizer` words (IDF over the user's history, target excluded).
    case bm25
    /// Cosine between `target` and `vectors[i]` (one per history entry, same order).
    case embedding(target: [Float], vectors: [[Float]])
  }

  /// K, the number of samples (default 8).
  public var count: Int
  /// Minimum number of other reviewers of an eligible item (default 4).
  public var minOtherReviewers: Int

  /// A selector.
  public init(count: Int = 8, minOtherReviewers: Int = 4) {
    self.count = count
    self.minOtherReviewers = minOtherReviewers
  }

  /// The up to ``count`` most relevant eligible history items, best first.
  /// - Parameters:
  ///   - targetItemID: The target item (excluded).
  ///   - targetText: The target item's title and description.
  ///   - history: The user's history entries.
  ///   - ranking: BM25 (default) or embedding similarity.
  public func select(
    targetItemID: String, targetText: String, history: [KeySampleCandidate], ranking: Ranking = .bm25
  ) -> [KeySample] {
    let considered = history.indices.filter { history[$0].itemID != targetItemID }
    let scores: [Double]
    switch ranking {
    case .bm25:
      let documents = considered.map {
        TextTokenizer.words(history[$0].reviewTitle + " " + history[$0].itemDescription)
      }
      scores = BM25(documents: documents).scores(query: TextTokenizer.words(targetText))
    case .embedding(let target, let vectors):
      precondition(vectors.count == history.count, "KeySampleSelector: one vector per history entry expected")
      scores = considered.map { VectorMath.cosine(target, vectors[$0]) }
    }
    let eligible = zip(considered, scores).filter { history[$0.0].otherReviewerCount >= minOtherReviewers }
    let ranked = eligible.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    return ranked.prefix(max(0, count)).map { KeySample(itemID: history[$0.0].itemID, historyIndex: $0.0, score: $0.1) }
  }
}

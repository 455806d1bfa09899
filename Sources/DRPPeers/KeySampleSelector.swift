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
/// to compare against), the target item itself never does, and the rest are ranked by relevance of
/// their document (review title + item description) to the query (the target's review title and
/// the target item's description):
/// - ``Ranking/bm25`` (drp): ``BM25`` over ``TextTokenizer`` words, IDF over every considered
///   history item;
/// - ``Ranking/bm25Okapi`` (the paper): ``BM25Okapi`` (the `rank_bm25` package's) over whitespace
///   tokens, case kept, IDF over the eligible items only;
/// - ``Ranking/embedding``: the cosine of given embeddings.
/// Ties keep history order. With ``fillUp``, when fewer than ``count`` items qualify, items with at
/// least one other reviewer follow in the same ranking (drp); without it (the paper) there are fewer
/// key samples.
public struct KeySampleSelector: Sendable {
  /// How to rank eligible history items.
  public enum Ranking: Sendable {
    /// BM25 of `TextTokenizer` words (IDF over the user's history, target excluded).
    case bm25
    /// `rank_bm25`'s BM25Okapi over whitespace tokens, IDF over the eligible items.
    case bm25Okapi
    /// Cosine between `target` and `vectors[i]` (one per history entry, same order).
    case embedding(target: [Float], vectors: [[Float]])
  }

  /// K, the number of samples (default 8).
  public var count: Int
  /// Minimum number of other reviewers of an eligible item (default 4).
  public var minOtherReviewers: Int
  /// Whether items with fewer other reviewers (but at least one) fill the remaining places.
  public var fillUp: Bool

  /// A selector.
  public init(count: Int = 8, minOtherReviewers: Int = 4, fillUp: Bool = false) {
    self.count = count
    self.minOtherReviewers = minOtherReviewers
    self.fillUp = fillUp
  }

  /// The up to ``count`` most relevant eligible history items, best first.
  /// - Parameters:
  ///   - targetItemID: The target item (excluded).
  ///   - targetText: The query: the target review's title and the target item's description.
  ///   - history: The user's history entries (`itemDescription` holds each entry's document text
  ///     after the review title).
  ///   - ranking: BM25 (default), BM25Okapi or embedding similarity.
  public func select(
    targetItemID: String, targetText: String, history: [KeySampleCandidate], ranking: Ranking = .bm25
  ) -> [KeySample] {
    let considered = history.indices.filter { history[$0].itemID != targetItemID }
    let eligible = considered.filter { history[$0].otherReviewerCount >= minOtherReviewers }
    let document = { (index: Int) in history[index].reviewTitle + " " + history[index].itemDescription }
    var scores: [Int: Double] = [:]
    switch ranking {
    case .bm25:
      let bm25 = BM25(documents: considered.map { TextTokenizer.words(document($0)) })
      for (index, score) in zip(considered, bm25.scores(query: TextTokenizer.words(targetText))) {
        scores[index] = score
      }
    case .bm25Okapi:
      let pool = fillUp ? considered : eligible
      let okapi = BM25Okapi(documents: pool.map { BM25Okapi.whitespaceTokens(document($0)) })
      for (index, score) in zip(pool, okapi.scores(query: BM25Okapi.whitespaceTokens(targetText))) {
        scores[index] = score
      }
    case .embedding(let target, let vectors):
      precondition(vectors.count == history.count, "KeySampleSelector: one vector per history entry expected")
      for index in considered { scores[index] = VectorMath.cosine(target, vectors[index]) }
    }
    func ranked(_ indices: [Int]) -> [Int] {
      indices.sorted { (scores[$0] ?? 0) != (scores[$1] ?? 0) ? (scores[$0] ?? 0) > (scores[$1] ?? 0) : $0 < $1 }
    }
    var chosen = ranked(eligible)
    if fillUp && chosen.count < count {
      chosen += ranked(considered.filter { (1..<minOtherReviewers).contains(history[$0].otherReviewerCount) })
    }
    return chosen.prefix(max(0, count)).map {
      KeySample(itemID: history[$0].itemID, historyIndex: $0, score: scores[$0] ?? 0)
    }
  }
}

// Personalised queries: nearest users, peers for an item, key samples. Held-out reviews
// (`excluding`) are invisible to all of them.
import DRPCore
import DRPIndex
import DRPPeers
import DRPStore
import Foundation

extension Engine {
  /// The `k` users most similar to `user`, best first, the user excluded.
  /// - Parameters:
  ///   - item: only reviewers of this item are returned.
  ///   - excluding: review ids that must stay invisible; when some are the user's, the user's
  ///     vector is recomputed from their remaining reviews, and reviewers of `item` whose review
  ///     of it is excluded are not returned.
  /// - Throws: ``EngineError`` for an unknown user or item, a user without vector, `k < 1`.
  public func neighbors(user: String, k: Int, item: String? = nil, excluding: Set<Int64> = []) throws -> [Neighbor] {
    let query = try targetVector(user: user, excluding: try excludedByUser(excluding))
    return try neighbors(vector: query, k: k, item: item, excludingUsers: [user], excludingReviews: excluding)
  }

  /// The `k` users whose vectors are most similar to `vector`, best first.
  /// - Parameter item: only reviewers of this item are returned.
  /// - Throws: ``EngineError`` for an unknown item, a wrong dimension, a zero vector or `k < 1`.
  public func neighbors(vector: [Float], k: Int, item: String? = nil) throws -> [Neighbor] {
    try neighbors(vector: vector, k: k, item: item, excludingUsers: [], excludingReviews: [])
  }

  private func neighbors(
    vector: [Float], k: Int, item: String?, excludingUsers: Set<String>, excludingReviews: Set<Int64>
  ) throws -> [Neighbor] {
    guard k >= 1 else { throw EngineError(.invalidArgument, "k must be at least 1, got \(k)") }
    var filter: SearchFilter?
    if let item {
      filter = .ids(try itemReviews(item, excluding: excludingReviews).map(\.userID))
    }
    return try search(vector, k: k, filter: filter, excluding: excludingUsers)
  }

  /// Up to `count` peers of `user` among the other reviewers of `item`, chosen by `strategy`.
  ///
  /// Candidates are the other reviewers with a user vector, each with their review of the item
  /// (vector and id) and their similarity from the index's filtered search. Fewer reviewers than
  /// `count` give fewer peers.
  /// - Parameters:
  ///   - strategy: a name from `PeerStrategies.names`; default `pipeline.peer_strategy`.
  ///   - count: default `pipeline.peers`.
  ///   - excluding: held-out review ids: never candidates, and not part of any user vector used.
  /// - Throws: ``EngineError`` for an unknown user, item or strategy, or a user without reviews.
  public func peers(
    user: String, item: String, strategy: String? = nil, count: Int? = nil, excluding: Set<Int64> = []
  ) throws -> [PeerChoice] {
    let strategyName = strategy ?? config.pipeline.peerStrategy
    guard let chooser = PeerStrategies.named(strategyName) else {
      throw EngineError(
        .invalidArgument,
        "unknown peer strategy '\(strategyName)' (use one of: \(PeerStrategies.names.joined(separator: ", ")))")
    }
    let count = count ?? config.pipeline.peers
    guard count >= 1 else { throw EngineError(.invalidArgument, "the peer count must be at least 1, got \(count)") }
    let excludedByUser = try excludedByUser(excluding)
    let query = try targetVector(user: user, excluding: excludedByUser)
    let reviews = try itemReviews(item, excluding: excluding)
    let embedder = meta?.embedder
    let ownReview = reviews.last { $0.userID == user }
    let target = PeerTarget(
      id: user, userVector: query,
      reviewVector: try ownReview.flatMap { review in
        try embedder.flatMap { try tables.reviewVector(review.id, embedder: $0) }
      })
    // The latest review of the item per other reviewer.
    var latest: [String: Review] = [:]
    for review in reviews where review.userID != user { latest[review.userID] = review }
    let scores = Dictionary(
      try search(query, k: max(1, latest.count), filter: .ids(latest.keys), excluding: [user]).map {
        ($0.id, Double($0.score))
      }, uniquingKeysWith: { first, _ in first })
    var candidates: [PeerCandidate] = []
    for (peer, review) in latest.sorted(by: { $0.key < $1.key }) {
      let vector: [Float]
      var similarity = scores[peer]
      if excludedByUser[peer] != nil {
        guard let recomputed = try? targetVector(user: peer, excluding: excludedByUser) else { continue }
        vector = recomputed
        similarity = VectorMath.cosine(recomputed, query)
      } else {
        guard let stored = index.vector(for: peer) else { continue }
        vector = stored
      }
      candidates.append(
        PeerCandidate(
          id: peer, userVector: vector,
          reviewVector: try embedder.flatMap { try tables.reviewVector(review.id, embedder: $0) },
          reviewID: String(review.id), similarity: similarity))
    }
    return chooser.select(PeerSelectionInput(target: target, candidates: candidates), count: count)
  }

  /// The user's history items most relevant to `item` (the paper's key samples): items at
  /// least 4 other users reviewed, ranked by BM25 of (review title + item description) against
  /// the target item's title + description; the target item itself never qualifies.
  /// - Parameters:
  ///   - count: K, default `pipeline.key_samples`.
  ///   - excluding: held-out review ids, neither history nor counted as other reviewers.
  /// - Throws: ``EngineError`` for an unknown user or item, or a user without reviews.
  public func keySamples(user: String, item: String, count: Int? = nil, excluding: Set<Int64> = []) throws
    -> [KeySampleInfo]
  {
    let count = count ?? config.pipeline.keySamples
    guard count >= 1 else {
      throw EngineError(.invalidArgument, "the key sample count must be at least 1, got \(count)")
    }
    guard let targetItem = store.item(item) else { throw EngineError.unknownItem(item) }
    let history = try userReviews(user, excluding: excluding)
    var items: [String: Item] = [:]
    let candidates = history.map { review in
      let historyItem = store.item(review.itemID) ?? Item(id: review.itemID)
      items[review.itemID] = historyItem
      let others = Set(
        store.reviews(ofItem: review.itemID).filter { $0.userID != user && !excluding.contains($0.id) }.map(\.userID))
      return KeySampleCandidate(
        itemID: review.itemID, reviewTitle: review.title,
        itemDescription: historyItem.title + " " + historyItem.description, otherReviewerCount: others.count)
    }
    let chosen = KeySampleSelector(count: count).select(
      targetItemID: item, targetText: targetItem.title + " " + targetItem.description, history: candidates)
    return chosen.map { sample in
      KeySampleInfo(
        itemID: sample.itemID, title: items[sample.itemID]?.title ?? "", score: sample.score,
        reviewID: history[sample.historyIndex].id, otherReviewers: candidates[sample.historyIndex].otherReviewerCount)
    }
  }

  // MARK: Helpers

  /// The user's reviews minus `excluding`, oldest first.
  /// - Throws: ``EngineError`` for an unknown user or one without (visible) reviews.
  func userReviews(_ user: String, excluding: Set<Int64>) throws -> [Review] {
    guard store.user(user) != nil else { throw EngineError.unknownUser(user) }
    let reviews = store.reviews(ofUser: user).filter { !excluding.contains($0.id) }
    guard !reviews.isEmpty else { throw EngineError(.notFound, "user '\(user)' has no reviews") }
    return reviews
  }

  /// The item's reviews minus `excluding`, oldest first.
  /// - Throws: ``EngineError`` for an unknown item.
  func itemReviews(_ item: String, excluding: Set<Int64>) throws -> [Review] {
    guard store.item(item) != nil else { throw EngineError.unknownItem(item) }
    return store.reviews(ofItem: item).filter { !excluding.contains($0.id) }
  }

  /// The excluded review ids grouped by author (unknown ids are ignored).
  private func excludedByUser(_ excluding: Set<Int64>) throws -> [String: Set<Int64>] {
    var result: [String: Set<Int64>] = [:]
    for id in excluding {
      if let review = store.review(id: id) { result[review.userID, default: []].insert(id) }
    }
    return result
  }

  /// The user's vector: from the index for any id it holds (whatever filled it: user vectors or a
  /// vector file), or recomputed from their review vectors without the excluded ones when any of
  /// their reviews is excluded.
  /// - Throws: ``EngineError`` saying whether the store knows an id the index lacks.
  func targetVector(user: String, excluding: [String: Set<Int64>]) throws -> [Float] {
    let hidden = excluding[user] ?? []
    if hidden.isEmpty, let stored = index.vector(for: user) { return stored }
    let source = "\(index.count) vectors" + (meta.map { ", from \($0.embedder)" } ?? "")
    guard store.user(user) != nil else {
      throw EngineError(.notFound, "unknown user '\(user)': neither the index (\(source)) nor the store has this id")
    }
    _ = try userReviews(user, excluding: hidden)
    if hidden.isEmpty, meta?.embedder.hasPrefix("file:") == true {
      throw EngineError(
        .unavailable,
        "user '\(user)' is in the store but not in the index (\(source)): "
          + "run `drp embed --rebuild` or `drp index build` to index the store's users")
    }
    guard let embedder = meta?.embedder else { throw EngineError.notEmbedded("user '\(user)'") }
    let vectors = try tables.reviewVectors(ofUser: user, embedder: embedder).filter { !hidden.contains($0.reviewID) }
    let vector = userVector(vectors)
    guard !vector.isEmpty, vector.contains(where: { $0 != 0 }) else {
      throw EngineError.notEmbedded("user '\(user)'" + (hidden.isEmpty ? "" : " (without the excluded reviews)"))
    }
    return vector
  }

  /// Index search with index errors turned into engine errors.
  private func search(_ vector: [Float], k: Int, filter: SearchFilter?, excluding: Set<String>) throws -> [Neighbor] {
    do {
      return try index.search(vector, k: k, filter: filter, excluding: excluding)
    } catch let error as IndexError {
      throw EngineError(.invalidArgument, error.description)
    }
  }
}

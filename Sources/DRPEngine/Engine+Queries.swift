// Personalised queries: nearest users, peers for an item, key samples. Held-out reviews
// (`excluding`) are invisible to all of them.
import DRPCore
import DRPIndex
import DRPPeers
import DRPReasoning
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
    let current = snapshot()
    let query = try targetVector(user: user, excluding: try excludedByUser(excluding), in: current)
    return try neighbors(
      vector: query, k: k, item: item, excludingUsers: [user], excludingReviews: excluding, in: current)
  }

  /// The `k` users whose vectors are most similar to `vector`, best first.
  /// - Parameter item: only reviewers of this item are returned.
  /// - Throws: ``EngineError`` for an unknown item, a wrong dimension, a zero vector or `k < 1`.
  public func neighbors(vector: [Float], k: Int, item: String? = nil) throws -> [Neighbor] {
    try neighbors(vector: vector, k: k, item: item, excludingUsers: [], excludingReviews: [], in: snapshot())
  }

  private func neighbors(
    vector: [Float], k: Int, item: String?, excludingUsers: Set<String>, excludingReviews: Set<Int64>,
    in current: EngineState
  ) throws -> [Neighbor] {
    guard k >= 1 else { throw EngineError(.invalidArgument, "k must be at least 1, got \(k)") }
    var candidates: [String]?
    if let item {
      candidates = try itemReviewAuthors(item, excluding: excludingReviews).map(\.userID)
    }
    return try search(vector, k: k, candidates: candidates, excluding: excludingUsers, in: current.index)
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
    let chooser = try peerStrategy(strategy)
    let count = count ?? config.pipeline.peers
    guard count >= 1 else { throw EngineError(.invalidArgument, "the peer count must be at least 1, got \(count)") }
    let query = try peerQuery(user: user, excluding: excluding, in: snapshot())
    return try choosePeers(
      for: query, reviews: try itemReviewAuthors(item, excluding: excluding), chooser, count: count)
  }

  /// The strategy named `name` (default `pipeline.peer_strategy`).
  /// - Throws: ``EngineError`` (invalid argument) for an unknown name.
  func peerStrategy(_ name: String?) throws -> any PeerStrategy {
    let strategyName = name ?? config.pipeline.peerStrategy
    guard let chooser = PeerStrategies.named(strategyName) else {
      throw EngineError(
        .invalidArgument,
        "unknown peer strategy '\(strategyName)' (use one of: \(PeerStrategies.names.joined(separator: ", ")))")
    }
    return chooser
  }

  /// What choosing `user`'s peers needs whatever the item: the user's vector (without the
  /// excluded reviews), the excluded reviews by author, and the state searched.
  struct PeerQuery {
    var user: String
    var vector: [Float]
    var excluded: Set<Int64>
    var excludedByUser: [String: Set<Int64>]
    var state: EngineState
  }

  /// The peer query of `user` (computed once per profile, shared by its key items).
  /// - Throws: ``EngineError`` for an unknown user or one without a vector.
  func peerQuery(user: String, excluding: Set<Int64>, in current: EngineState) throws -> PeerQuery {
    let byUser = try excludedByUser(excluding)
    return PeerQuery(
      user: user, vector: try targetVector(user: user, excluding: byUser, in: current), excluded: excluding,
      excludedByUser: byUser, state: current)
  }

  /// Up to `count` peers of `query.user` among the authors of `reviews` (one item's visible
  /// reviews), chosen by `chooser` (see ``peers(user:item:strategy:count:excluding:)``).
  func choosePeers(
    for query: PeerQuery, reviews: [(id: Int64, userID: String)], _ chooser: any PeerStrategy, count: Int
  ) throws
    -> [PeerChoice]
  {
    let (user, current) = (query.user, query.state)
    let embedder = current.meta?.embedder
    let ownReview = reviews.last { $0.userID == user }
    // The latest review of the item per other reviewer.
    var latest: [String: Int64] = [:]
    for review in reviews where review.userID != user { latest[review.userID] = review.id }
    let reviewVectors =
      try embedder.map { name in
        try store.reviewVectors(Array(latest.values) + (ownReview.map { [$0.id] } ?? []), embedder: name)
      } ?? [:]
    let target = PeerTarget(
      id: user, userVector: query.vector, reviewVector: ownReview.flatMap { reviewVectors[$0.id] })
    let scores = Dictionary(
      try search(
        query.vector, k: max(1, latest.count), candidates: Array(latest.keys), excluding: [user], in: current.index
      )
      .map { ($0.id, Double($0.score)) }, uniquingKeysWith: { first, _ in first })
    var candidates: [PeerCandidate] = []
    for (peer, reviewID) in latest.sorted(by: { $0.key < $1.key }) {
      let vector: [Float]
      var similarity = scores[peer]
      if query.excludedByUser[peer] != nil {
        let recomputed: [Float]
        do {
          recomputed = try targetVector(user: peer, excluding: query.excludedByUser, in: current)
        } catch is EngineError {
          continue  // no vector left without the excluded reviews: not a candidate
        }
        vector = recomputed
        similarity = VectorMath.cosine(recomputed, query.vector)
      } else {
        guard let stored = current.index.vector(for: peer) else { continue }
        vector = try checkedStoredVector(stored, of: peer, in: current.index)
      }
      candidates.append(
        PeerCandidate(
          id: peer, userVector: vector, reviewVector: reviewVectors[reviewID], reviewID: String(reviewID),
          similarity: similarity))
    }
    return chooser.select(PeerSelectionInput(target: target, candidates: candidates), count: count)
  }

  /// The user's key samples for a target: the history items most relevant to `item` that at
  /// least `options.minOtherReviewers` other users reviewed, exactly as a target-conditioned
  /// profile chooses them (see ``keyReviews(user:target:options:excluding:)``).
  /// - Parameters:
  ///   - title: the target review's title, when known (part of the query).
  ///   - options: the knobs (default: `pipelineOptions()`): preset, key samples, minimum reviewers.
  ///   - count: K, overrides `options.keySamples`.
  ///   - excluding: held-out review ids, neither history nor counted as other reviewers.
  /// - Throws: ``EngineError`` for an unknown user or item, or a user without reviews.
  public func keySamples(
    user: String, item: String, title: String? = nil, options: PipelineOptions? = nil, count: Int? = nil,
    excluding: Set<Int64> = []
  ) throws -> [KeySampleInfo] {
    var options = try options ?? pipelineOptions()
    if let count {
      guard count >= 1 else {
        throw EngineError(.invalidArgument, "the key sample count must be at least 1, got \(count)")
      }
      options.keySamples = count
    }
    return try keyReviews(
      user: user, target: ProfileTarget(itemID: item, title: title), options: options, excluding: excluding
    )
    .map(\.info)
  }

  /// The history reviews a target-conditioned profile compares with peers, best first.
  ///
  /// History: the user's reviews minus `excluding` and minus reviews of the target item. Eligible:
  /// items that at least `options.minOtherReviewers` other users reviewed (held-out reviews not
  /// counted). Ranking by the preset:
  /// - `paper`: every history review is a document, `review title + " " + item description`, ranked
  ///   by `BM25Okapi` (k1 1.5, b 0.75, epsilon 0.25; IDF over the eligible ones) on whitespace tokens
  ///   against `target title + " " + target item description`; fewer eligible items give fewer key
  ///   samples;
  /// - `drp`: the user's latest review per item, document `review title + item title + item
  ///   description`, query `target title + target item title + description`, drp's ``BM25`` on word
  ///   tokens; when fewer than K items are eligible, items with fewer other reviewers (at least one)
  ///   follow, so there is always something to compare.
  /// Ties keep history (time) order.
  /// - Throws: ``EngineError`` for an unknown user or item, or a user without reviews.
  func keyReviews(user: String, target: ProfileTarget, options: PipelineOptions, excluding: Set<Int64>) throws
    -> [(review: Review, info: KeySampleInfo)]
  {
    guard let targetItem = try store.item(target.itemID) else { throw EngineError.unknownItem(target.itemID) }
    var history = try userReviews(user, excluding: excluding).filter { $0.itemID != target.itemID }
    let paper = options.preset == .paper
    if !paper {
      var latest: [String: Review] = [:]
      for review in history { latest[review.itemID] = review }
      history = history.filter { latest[$0.itemID]?.id == $0.id }
    }
    let others = try store.otherReviewerCounts(
      ofItems: Array(Set(history.map(\.itemID))), excludingUser: user, excludingReviews: excluding)
    var items: [String: Item] = [:]
    let candidates = try history.map { review in
      let historyItem = try items[review.itemID] ?? store.item(review.itemID) ?? Item(id: review.itemID)
      items[review.itemID] = historyItem
      return KeySampleCandidate(
        itemID: review.itemID, reviewTitle: review.title,
        itemDescription: paper ? historyItem.description : historyItem.title + " " + historyItem.description,
        otherReviewerCount: others[review.itemID] ?? 0)
    }
    let query =
      paper
      ? (target.title ?? "") + " " + targetItem.description
      : [target.title ?? "", targetItem.title, targetItem.description].joined(separator: " ")
    let selector = KeySampleSelector(
      count: options.keySamples, minOtherReviewers: options.minOtherReviewers, fillUp: !paper)
    return selector.select(
      targetItemID: target.itemID, targetText: query, history: candidates, ranking: paper ? .bm25Okapi : .bm25
    ).map { sample in
      let review = history[sample.historyIndex]
      return (
        review,
        KeySampleInfo(
          itemID: sample.itemID, title: items[sample.itemID]?.title ?? "", score: sample.score, reviewID: review.id,
          otherReviewers: candidates[sample.historyIndex].otherReviewerCount)
      )
    }
  }

  // MARK: Helpers

  /// The user's reviews minus `excluding`, oldest first.
  /// - Throws: ``EngineError`` for an unknown user or one without (visible) reviews.
  func userReviews(_ user: String, excluding: Set<Int64>) throws -> [Review] {
    guard try store.user(user) != nil else { throw EngineError.unknownUser(user) }
    let reviews = try store.reviews(ofUser: user).filter { !excluding.contains($0.id) }
    guard !reviews.isEmpty else { throw EngineError(.notFound, "user '\(user)' has no reviews") }
    return reviews
  }

  /// The item's reviews as (review id, author) pairs, oldest first, without `excluding` (read
  /// without titles and texts).
  /// - Throws: ``EngineError`` for an unknown item.
  func itemReviewAuthors(_ item: String, excluding: Set<Int64>) throws -> [(id: Int64, userID: String)] {
    guard try store.item(item) != nil else { throw EngineError.unknownItem(item) }
    return try store.reviewAuthors(ofItem: item).filter { !excluding.contains($0.id) }
  }

  /// The excluded review ids grouped by author (unknown ids are ignored).
  private func excludedByUser(_ excluding: Set<Int64>) throws -> [String: Set<Int64>] {
    var result: [String: Set<Int64>] = [:]
    for id in excluding {
      if let review = try store.review(id: id) { result[review.userID, default: []].insert(id) }
    }
    return result
  }

  /// The user's vector: from the index for any id it holds (whatever filled it: user vectors or a
  /// vector file), or recomputed from their review vectors without the excluded ones when any of
  /// their reviews is excluded.
  /// - Throws: ``EngineError`` saying whether the store knows an id the index lacks.
  func targetVector(user: String, excluding: [String: Set<Int64>], in current: EngineState) throws -> [Float] {
    let hidden = excluding[user] ?? []
    if hidden.isEmpty, let stored = current.index.vector(for: user) {
      return try checkedStoredVector(stored, of: user, in: current.index)
    }
    let source = "\(current.index.count) vectors" + (current.meta.map { ", from \($0.embedder)" } ?? "")
    guard try store.user(user) != nil else {
      throw EngineError(.notFound, "unknown user '\(user)': neither the index (\(source)) nor the store has this id")
    }
    guard try store.reviewCount(ofUser: user, excluding: hidden) > 0 else {
      throw EngineError(.notFound, "user '\(user)' has no reviews")
    }
    if hidden.isEmpty, current.meta?.embedder.hasPrefix("file:") == true {
      throw EngineError(
        .unavailable,
        "user '\(user)' is in the store but not in the index (\(source)): "
          + "run `drp embed --rebuild` or `drp index build` to index the store's users")
    }
    guard let embedder = current.meta?.embedder else { throw EngineError.notEmbedded("user '\(user)'") }
    let vectors = try store.reviewVectors(ofUser: user, embedder: embedder).filter { !hidden.contains($0.reviewID) }
    let vector = userVector(vectors)
    guard !vector.isEmpty, vector.contains(where: { $0 != 0 }) else {
      throw EngineError.notEmbedded("user '\(user)'" + (hidden.isEmpty ? "" : " (without the excluded reviews)"))
    }
    return vector
  }

  /// Index search (among `candidates` when given) with index errors turned into engine errors;
  /// a damaged index is an error.
  private func search(
    _ vector: [Float], k: Int, candidates: [String]?, excluding: Set<String>, in index: VectorIndex
  ) throws -> [Neighbor] {
    try requireIntactIndex(index)
    do {
      let found = try index.search(vector, k: k, filter: candidates.map { .ids($0) }, excluding: excluding)
      return try checkedResults(found, k: k, candidates: candidates, excluding: excluding, in: index)
    } catch let error as IndexError {
      throw EngineError(.invalidArgument, error.description)
    }
  }
}

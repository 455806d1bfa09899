// Embedding reviews and maintaining user vectors in the index.
import DRPCore
import DRPIndex
import DRPPeers
import DRPStore
import Foundation

extension Engine {
  /// Reviews embedded per batch (one transaction each).
  static let embedBatchSize = 256

  /// Embeds every review without a current vector, recomputes the vectors of users whose
  /// reviews changed, and saves the index atomically.
  ///
  /// Incremental: a second run with nothing new embeds 0 reviews. The builtin embedder's IDF is
  /// fitted over the stored reviews on the first run and kept (new reviews do not change it, so
  /// stored vectors stay comparable); `rebuild` refits it and re-embeds everything. The fit leaves
  /// out held-out reviews: every review marked held out in the store (``ReviewStore/heldOutMarks(source:)``),
  /// every review a previous fit left out, and `idfExcluding` (what `drp eval` holds out); see
  /// ``idfFitCounted(_:)``. When the
  /// configured embedder differs from the one that built the index, the index is rebuilt (a
  /// note says so). Reviews are embedded on the calling thread (a remote embedder's requests run
  /// while no lock is held); the index is updated and saved by the engine's writer.
  /// Blocks the calling thread: call it from a plain thread (the CLI), never from a task.
  /// - Parameters:
  ///   - rebuild: discard stored vectors of the configured embedder and start over.
  ///   - idfExcluding: reviews a new builtin IDF fit must leave out besides the marked ones.
  ///   - progress: called after each batch, on the calling thread.
  /// - Throws: ``EngineError``, store errors, embedder (HTTP) errors.
  public func embed(
    rebuild: Bool = false, idfExcluding: Set<Int64> = [], progress: (EmbedProgress) -> Void = { _ in }
  ) throws -> EmbedReport {
    let start = Date()
    func elapsed() -> Double { Date().timeIntervalSince(start) }
    var notes: [String] = []
    var idfFitted = false
    let embedder: any Embedder
    if let remote = try remoteEmbedder.get() {
      embedder = remote
      if rebuild { try store.deleteReviewVectors(embedderPrefix: remote.name) }
    } else {
      let key = EmbedderFactory.builtinKey(config.embedder)
      var idf = rebuild ? nil : try storedIDF(key: key)
      if rebuild { try store.deleteReviewVectors(embedderPrefix: key) }
      if idf == nil {
        idf = try fitIDF(key: key, excluding: idfExcluding) {
          progress(EmbedProgress(phase: .fitting, done: $0, total: $1, seconds: elapsed()))
        }
        idfFitted = true
      }
      embedder = EmbedderFactory.builtin(config.embedder, idf: idf)
    }
    remember(embedder)
    let previous = snapshot().meta
    var freshIndex = rebuild || previous == nil || previous?.stale == true
    if let previous, previous.embedder != embedder.name || previous.dimension != embedder.dimension {
      notes.append("the index was built with \(previous.embedder); rebuilding it for \(embedder.name)")
      freshIndex = true
    } else if previous?.stale == true && !rebuild {
      notes.append("the index file lagged behind the store; rebuilding it")
    }

    let changed = try embedPending(embedder, start: start, progress: progress)
    let withVectors = try store.usersWithVectors(embedder: embedder.name)
    return try writer.runSync {
      let target = freshIndex ? VectorIndex(dimension: embedder.dimension) : snapshot().index
      var users = changed.users
      users.formUnion(withVectors.filter { !target.contains($0) })
      let ordered = users.sorted()
      var skipped = 0
      for (number, user) in ordered.enumerated() {
        let vector = userVector(try store.reviewVectors(ofUser: user, embedder: embedder.name))
        if vector.allSatisfy({ $0 == 0 }) {
          target.remove(id: user)
          skipped += 1
        } else {
          try target.upsert(id: user, vector: vector)
        }
        if number % 1000 == 999 || number == ordered.count - 1 {
          progress(EmbedProgress(phase: .users, done: number + 1, total: ordered.count, seconds: elapsed()))
        }
      }
      try install(target, meta: IndexMeta(embedder: embedder.name, dimension: embedder.dimension, stale: false))
      return EmbedReport(
        embedder: embedder.name, reviewsEmbedded: changed.reviews, usersUpdated: ordered.count - skipped,
        usersSkipped: skipped, indexedUsers: target.count, indexRebuilt: freshIndex, idfFitted: idfFitted,
        notes: notes, seconds: elapsed())
    }
  }

  /// The configured embedder, ready to embed new reviews consistently with stored vectors: for
  /// builtin, the stored IDF fit is required (it is read again when the index was rebuilt with
  /// another fit, e.g. by `drp embed --rebuild` in another process).
  /// - Throws: ``EngineError/unavailable`` before the first `drp embed`; the embedder
  ///   configuration's error; store errors.
  func configuredEmbedder() throws -> any Embedder {
    let current = snapshot()
    if let embedder = current.embedder, current.meta == nil || current.meta?.embedder == embedder.name {
      return embedder
    }
    let embedder: any Embedder
    if let remote = try remoteEmbedder.get() {
      embedder = remote
    } else {
      guard let idf = try storedIDF(key: EmbedderFactory.builtinKey(config.embedder)) else {
        throw EngineError(.unavailable, "no review has been embedded yet: run `drp embed` first")
      }
      embedder = EmbedderFactory.builtin(config.embedder, idf: idf)
    }
    remember(embedder)
    return embedder
  }

  /// The text embedded for a review: its title and body, or (`embedder.text: text`, as the DRP
  /// paper's peer selection embeds) its body only.
  func embeddingText(title: String, text: String) -> String {
    config.embedder.text == .text || title.isEmpty ? text : title + "\n" + text
  }

  /// Vectors for `texts` from `embedder`, blocking the calling thread (a plain thread, not a task).
  /// - Throws: embedder errors, or ``EngineError/unavailable`` for a wrong number of vectors.
  func vectors(_ texts: [String], embedder: any Embedder) throws -> [[Float]] {
    if let builtin = embedder as? BuiltinEmbedder { return builtin.vectors(for: texts) }
    return try Self.checked(try BlockingCall.run { try await embedder.embed(texts) }, count: texts.count)
  }

  /// Vectors for `texts` from `embedder`, from async code: the builtin embedder computes on the
  /// blocking threads, a remote one is awaited.
  /// - Throws: embedder errors, or ``EngineError/unavailable`` for a wrong number of vectors.
  func vectors(_ texts: [String], embedder: any Embedder) async throws -> [[Float]] {
    if let builtin = embedder as? BuiltinEmbedder { return try await blocking.run { builtin.vectors(for: texts) } }
    return try Self.checked(try await embedder.embed(texts), count: texts.count)
  }

  private static func checked(_ vectors: [[Float]], count: Int) throws -> [[Float]] {
    guard vectors.count == count else {
      throw EngineError(.unavailable, "the embedder returned \(vectors.count) vectors for \(count) texts")
    }
    return vectors
  }

  private func storedIDF(key: String) throws -> HashedIDF? {
    guard let data = try store.embedderState(key), !data.isEmpty else { return nil }
    do {
      return try HashedIDF(serialized: data)
    } catch {
      throw EngineError(.unavailable, "the stored IDF weights are damaged (\(error)): run `drp embed --rebuild`")
    }
  }

  /// Which of `reviews` the builtin embedder's stored IDF fit counted as documents: those stored when it
  /// was fitted and not left out of it. Empty with a remote embedder (it fits nothing on this store) and
  /// before the first fit. `drp eval` refits (``embed(rebuild:idfExcluding:progress:)``) when any of its
  /// held-out reviews was counted, so held-out texts never weight the features of the vectors it uses.
  /// - Throws: store errors; the embedder configuration's error.
  public func idfFitCounted(_ reviews: Set<Int64>) throws -> Set<Int64> {
    guard try remoteEmbedder.get() == nil else { return [] }
    let key = EmbedderFactory.builtinKey(config.embedder)
    guard let through = try store.fittedThrough(key) else { return [] }
    let left = try store.fitExclusions(key)
    return reviews.filter { $0 <= through && !left.contains($0) }
  }

  /// Fits the builtin IDF over every stored review except the held-out ones (marked in the store, left out
  /// of the previous fit, or in `excluding`), and stores it with what it left out.
  private func fitIDF(key: String, excluding: Set<Int64>, progress: (Int, Int) -> Void) throws -> HashedIDF {
    let total = try store.stats().reviews
    let through = try store.maxReviewID()
    let left = try excluding.union(store.fitExclusions(key)).union(store.heldOutMarks().map(\.reviewID))
    var builder = HashedIDF.Builder()
    var done = 0
    try store.forEachReview(through: through) { id, title, text in
      done += 1
      if done % 10_000 == 0 { progress(done, total) }
      guard !left.contains(id) else { return }
      builder.add(embeddingText(title: title, text: text))
    }
    let idf = builder.build()
    try store.setEmbedderState(
      key, idf: idf.serialized(), documents: idf.documentCount, fittedThrough: through, excluded: left)
    return idf
  }

  /// Embeds every pending review in batches; returns the users touched and the review count.
  private func embedPending(_ embedder: any Embedder, start: Date, progress: (EmbedProgress) -> Void) throws
    -> (users: Set<String>, reviews: Int)
  {
    let total = try store.pendingReviewCount(embedder: embedder.name)
    var users = Set<String>()
    var done = 0
    var after: Int64 = 0
    while done < total {
      let batch = try store.pendingReviews(embedder: embedder.name, after: after, limit: Self.embedBatchSize)
      guard let last = batch.last else { break }
      let vectors = try vectors(batch.map { embeddingText(title: $0.title, text: $0.text) }, embedder: embedder)
      try store.storeReviewVectors(Array(zip(batch, vectors)), embedder: embedder.name)
      for review in batch { users.insert(review.userID) }
      after = last.id
      done += batch.count
      progress(EmbedProgress(phase: .reviews, done: done, total: total, seconds: Date().timeIntervalSince(start)))
    }
    return (users, done)
  }
}

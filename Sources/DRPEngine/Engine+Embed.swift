// Embedding reviews and maintaining user vectors in the index.
import DRPIndex
import DRPPeers
import Foundation

extension Engine {
  /// Reviews embedded per batch (one transaction each).
  static let embedBatchSize = 256

  /// Embeds every review without a current vector, recomputes the vectors of users whose
  /// reviews changed, and saves the index atomically.
  ///
  /// Incremental: a second run with nothing new embeds 0 reviews. The builtin embedder's IDF is
  /// fitted over all stored reviews on the first run and kept (new reviews do not change it, so
  /// stored vectors stay comparable); `rebuild` refits it and re-embeds everything. When the
  /// configured embedder differs from the one that built the index, the index is rebuilt (a
  /// note says so).
  /// - Parameters:
  ///   - rebuild: discard stored vectors of the configured embedder and start over.
  ///   - progress: called after each batch, on the calling thread.
  /// - Throws: ``EngineError``, store errors, embedder (HTTP) errors.
  public func embed(rebuild: Bool = false, progress: (EmbedProgress) -> Void = { _ in }) throws -> EmbedReport {
    try lock.withLock {
      let start = Date()
      func elapsed() -> Double { Date().timeIntervalSince(start) }
      var notes: [String] = []
      var idfFitted = false
      let embedder: any Embedder
      if config.embedder.kind.lowercased() == "builtin" {
        let key = EmbedderFactory.builtinKey(dimension: config.embedder.dimension)
        var idf = rebuild ? nil : try storedIDF(key: key)
        if rebuild { try tables.deleteVectors(embedderPrefix: key) }
        if idf == nil {
          idf = try fitIDF(key: key) {
            progress(EmbedProgress(phase: .fitting, done: $0, total: $1, seconds: elapsed()))
          }
          idfFitted = true
        }
        embedder = try EmbedderFactory.make(config.embedder, idf: idf)
      } else {
        embedder = try EmbedderFactory.make(config.embedder, idf: nil)
        if rebuild { try tables.deleteVectors(embedderPrefix: embedder.name) }
      }
      cachedEmbedder = embedder
      let previous = meta
      var rebuildIndex = rebuild || previous == nil || previous?.stale == true
      if let previous, previous.embedder != embedder.name || previous.dimension != embedder.dimension {
        notes.append("the index was built with \(previous.embedder); rebuilding it for \(embedder.name)")
        rebuildIndex = true
      } else if previous?.stale == true && !rebuild {
        notes.append("the index file lagged behind the store; rebuilding it")
      }

      let changedUsers = try embedPending(embedder, start: start, progress: progress)
      let target = rebuildIndex ? VectorIndex(dimension: embedder.dimension) : index
      var users = Set(changedUsers.users)
      let withVectors = try tables.usersWithVectors(embedder: embedder.name)
      users.formUnion(withVectors.filter { !target.contains($0) })
      let ordered = users.sorted()
      var skipped = 0
      for (number, user) in ordered.enumerated() {
        let vector = userVector(try tables.reviewVectors(ofUser: user, embedder: embedder.name))
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
        embedder: embedder.name, reviewsEmbedded: changedUsers.reviews, usersUpdated: ordered.count - skipped,
        usersSkipped: skipped, indexedUsers: target.count, indexRebuilt: rebuildIndex, idfFitted: idfFitted,
        notes: notes, seconds: elapsed())
    }
  }

  /// The configured embedder, ready to embed new reviews consistently with stored vectors: for
  /// builtin, the stored IDF fit is required.
  /// - Throws: ``EngineError/unavailable`` before the first `drp embed`.
  func configuredEmbedder() throws -> any Embedder {
    try lock.withLock {
      if let cachedEmbedder { return cachedEmbedder }
      let embedder: any Embedder
      if config.embedder.kind.lowercased() == "builtin" {
        let key = EmbedderFactory.builtinKey(dimension: config.embedder.dimension)
        guard let idf = try storedIDF(key: key) else {
          throw EngineError(.unavailable, "no review has been embedded yet: run `drp embed` first")
        }
        embedder = try EmbedderFactory.make(config.embedder, idf: idf)
      } else {
        embedder = try EmbedderFactory.make(config.embedder, idf: nil)
      }
      cachedEmbedder = embedder
      return embedder
    }
  }

  /// Vectors for `texts` from `embedder`: builtin on this thread, remote by blocking on the call.
  func vectors(_ texts: [String], embedder: any Embedder) throws -> [[Float]] {
    if let builtin = embedder as? BuiltinEmbedder { return builtin.vectors(for: texts) }
    let vectors = try BlockingCall.run { try await embedder.embed(texts) }
    guard vectors.count == texts.count else {
      throw EngineError(.unavailable, "the embedder returned \(vectors.count) vectors for \(texts.count) texts")
    }
    return vectors
  }

  private func storedIDF(key: String) throws -> HashedIDF? {
    guard let data = try tables.embedderState(key), !data.isEmpty else { return nil }
    do {
      return try HashedIDF(serialized: data)
    } catch {
      throw EngineError(.unavailable, "the stored IDF weights are damaged (\(error)): run `drp embed --rebuild`")
    }
  }

  private func fitIDF(key: String, progress: (Int, Int) -> Void) throws -> HashedIDF {
    let total = store.stats().reviews
    var builder = HashedIDF.Builder()
    var done = 0
    try tables.forEachReviewText { text in
      builder.add(text)
      done += 1
      if done % 10_000 == 0 { progress(done, total) }
    }
    let idf = builder.build()
    try tables.setEmbedderState(key, idf: idf.serialized(), documents: idf.documentCount)
    return idf
  }

  /// Embeds every pending review in batches; returns the users touched and the review count.
  private func embedPending(_ embedder: any Embedder, start: Date, progress: (EmbedProgress) -> Void) throws
    -> (users: Set<String>, reviews: Int)
  {
    let total = try tables.pendingCount(embedder: embedder.name)
    var users = Set<String>()
    var done = 0
    var after: Int64 = 0
    while done < total {
      let batch = try tables.pendingReviews(embedder: embedder.name, after: after, limit: Self.embedBatchSize)
      guard let last = batch.last else { break }
      let vectors = try vectors(batch.map(\.text), embedder: embedder)
      try tables.storeVectors(Array(zip(batch, vectors)), embedder: embedder.name)
      for review in batch { users.insert(review.userID) }
      after = last.id
      done += batch.count
      progress(EmbedProgress(phase: .reviews, done: done, total: total, seconds: Date().timeIntervalSince(start)))
    }
    return (users, done)
  }
}

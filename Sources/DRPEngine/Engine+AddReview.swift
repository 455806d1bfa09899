// Adding one review (the server's `reviews.add`) and keeping the user's vector current.
import DRPIndex
import DRPStore
import Foundation

extension Engine {
  /// Stores `review` with its vector and updates its author's vector in the index.
  ///
  /// The review is embedded first, holding nothing (a remote embedder may take seconds; other
  /// requests go on meanwhile). Then, on the engine's writer, the review and its vector are stored
  /// in one transaction — both or neither — and the author's vector is recomputed from their stored
  /// review vectors and updated in the index. When the review cannot be embedded (no embed has run
  /// yet, the index was built by another embedder, or the embedder failed) the review alone is
  /// stored (`indexed` false, with a note saying why): it has no vector, so the next `drp embed`
  /// embeds it and updates the user's vector. Either way the author's stored profiles are stale
  /// from then on (a profile is keyed by the digest of the user's reviews).
  ///
  /// The index file is not rewritten on every call (that costs O(index size)): the index is
  /// marked stale in the store and saved by ``flush()`` (the server calls it on shutdown). If the
  /// process dies first, the next `drp embed` sees the stale mark and rebuilds the index from the
  /// stored review vectors, so nothing is lost.
  /// - Throws: store errors (nothing was stored then).
  public func addReview(_ review: Review) async throws -> AddReviewOutcome {
    var note: String?
    var embedded: (vector: [Float], embedder: String)?
    do {
      let embedder = try await blocking.run { [self] in try configuredEmbedder() }
      if let meta = snapshot().meta, meta.embedder == embedder.name {
        let vector = try await vectors([embeddingText(title: review.title, text: review.text)], embedder: embedder)
        embedded = (vector[0], embedder.name)
      } else {
        note = "the index is not built with the configured embedder: run `drp embed`"
      }
    } catch let error as EngineError where error.kind == .unavailable && snapshot().meta == nil {
      note = "nothing is embedded yet: run `drp embed`"
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      note = "the review could not be embedded (\(error)); it is stored, and `drp embed` will embed it"
    }
    let (noteIfStored, computed) = (note, embedded)
    return try await writer.run { [self] in
      let result = try store.addReview(review, vector: computed?.vector, embedder: computed?.embedder)
      guard case .inserted(let id) = result else {
        return AddReviewOutcome(reviewID: nil, duplicate: true, indexed: false, note: nil)
      }
      guard let embedded = computed, let current = state().meta, current.embedder == embedded.embedder else {
        return AddReviewOutcome(
          reviewID: id, duplicate: false, indexed: false,
          note: noteIfStored ?? "the index was rebuilt with another embedder meanwhile: run `drp embed`")
      }
      let updated = userVector(try store.reviewVectors(ofUser: review.userID, embedder: embedded.embedder))
      let index = state().index
      if updated.allSatisfy({ $0 == 0 }) {
        index.remove(id: review.userID)
      } else {
        try index.upsert(id: review.userID, vector: updated)
      }
      try markStale()
      return AddReviewOutcome(reviewID: id, duplicate: false, indexed: true, note: nil)
    }
  }

  /// Saves the index file if ``addReview(_:)`` changed it since the last save. Blocks the calling
  /// thread until the writer has done it.
  /// - Throws: I/O errors.
  public func flush() throws {
    try writer.runSync {
      let current = state()
      guard var meta = current.meta, meta.stale,
        current.index.count > 0 || FileManager.default.fileExists(atPath: indexPath)
      else { return }
      meta.stale = false
      try install(current.index, meta: meta)
    }
  }
}

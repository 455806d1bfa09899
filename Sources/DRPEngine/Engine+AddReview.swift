// Adding one review (the server's `reviews.add`) and keeping the user's vector current.
import DRPIndex
import DRPStore
import Foundation

extension Engine {
  /// Stores `review`, embeds it, and updates its author's vector in the index.
  ///
  /// The index file is not rewritten on every call (that costs O(index size)): the index is
  /// marked stale in the store and saved by ``flush()`` (the server calls it on shutdown and
  /// may call it periodically). If the process dies first, the next `drp embed` sees the stale
  /// mark and rebuilds the index from the stored review vectors, so nothing is lost.
  /// When nothing has been embedded yet, or the index was built by another embedder, the review
  /// is only stored (`indexed` false, with a note).
  /// - Throws: store errors, embedder errors.
  public func addReview(_ review: Review) throws -> AddReviewOutcome {
    try lock.withLock {
      let result = try store.addReview(review)
      guard case .inserted(let id) = result else {
        return AddReviewOutcome(reviewID: nil, duplicate: true, indexed: false, note: nil)
      }
      guard let embedder = try? configuredEmbedder(), let meta, meta.embedder == embedder.name else {
        return AddReviewOutcome(
          reviewID: id, duplicate: false, indexed: false,
          note: "the index is not built with the configured embedder: run `drp embed`")
      }
      let pending = try tables.pendingReviews(embedder: embedder.name, after: id - 1, limit: 1)
      guard let row = pending.first, row.id == id else {
        return AddReviewOutcome(
          reviewID: id, duplicate: false, indexed: false, note: "the review vanished before embedding")
      }
      let vector = try vectors([row.text], embedder: embedder)
      try tables.storeVectors([(row, vector[0])], embedder: embedder.name)
      let updated = userVector(try tables.reviewVectors(ofUser: review.userID, embedder: embedder.name))
      if updated.allSatisfy({ $0 == 0 }) {
        index.remove(id: review.userID)
      } else {
        try index.upsert(id: review.userID, vector: updated)
      }
      try markStale()
      return AddReviewOutcome(reviewID: id, duplicate: false, indexed: true, note: nil)
    }
  }

  /// Saves the index file if ``addReview(_:)`` changed it since the last save.
  /// - Throws: I/O errors.
  public func flush() throws {
    try lock.withLock {
      guard var meta, meta.stale, index.count > 0 || FileManager.default.fileExists(atPath: indexPath) else { return }
      meta.stale = false
      try install(index, meta: meta)
    }
  }
}

// Rows of the vector tables as the engine reads and writes them.

/// A review waiting to be embedded (no vector under the embedder, or one of an older text).
public struct PendingReview: Sendable, Equatable {
  /// The review's row id.
  public var id: Int64
  /// Its author.
  public var userID: String
  /// Its title.
  public var title: String
  /// Its text.
  public var text: String
  /// The text's hash when it was read (stored with the vector, so an edited review is re-embedded).
  public var textHash: Int64

  /// Creates a pending review.
  public init(id: Int64, userID: String, title: String, text: String, textHash: Int64) {
    self.id = id
    self.userID = userID
    self.title = title
    self.text = text
    self.textHash = textHash
  }
}

/// A stored review vector with the review fields the engine needs.
public struct StoredReviewVector: Sendable, Equatable {
  /// The review's row id.
  public var reviewID: Int64
  /// The reviewed item.
  public var itemID: String
  /// Milliseconds since 1970, as in the store.
  public var timestamp: Int64
  /// The vector.
  public var vector: [Float]

  /// Creates a row.
  public init(reviewID: Int64, itemID: String, timestamp: Int64, vector: [Float]) {
    self.reviewID = reviewID
    self.itemID = itemID
    self.timestamp = timestamp
    self.vector = vector
  }
}

/// What built a vector index file (the `index_meta` row of that index).
public struct IndexMeta: Sendable, Equatable {
  /// The embedder name, or `file:<name>` for vectors loaded from a file.
  public var embedder: String
  /// The vector dimension.
  public var dimension: Int
  /// The file lags behind the store (user vectors changed without a save).
  public var stale: Bool

  /// Creates metadata.
  public init(embedder: String, dimension: Int, stale: Bool) {
    self.embedder = embedder
    self.dimension = dimension
    self.stale = stale
  }
}

// Progress and outcome of `Engine.embed`.

/// A progress report of ``Engine/embed(rebuild:progress:)``.
public struct EmbedProgress: Sendable, Equatable {
  /// The stage running.
  public enum Phase: String, Sendable {
    /// Fitting the builtin embedder's IDF weights over every review.
    case fitting
    /// Embedding reviews.
    case reviews
    /// Recomputing user vectors.
    case users
  }
  /// The stage.
  public var phase: Phase
  /// Units done in this phase.
  public var done: Int
  /// Units in this phase.
  public var total: Int
  /// Seconds since the call started.
  public var seconds: Double
}

/// What ``Engine/embed(rebuild:progress:)`` did.
public struct EmbedReport: Sendable, Codable, Equatable {
  /// The embedder's name (model, version, dimension, IDF fingerprint).
  public var embedder: String
  /// Reviews embedded by this call (0 when nothing changed).
  public var reviewsEmbedded: Int
  /// Users whose vectors were recomputed.
  public var usersUpdated: Int
  /// Users left out of the index because their vector is zero (no words in any review).
  public var usersSkipped: Int
  /// Users in the index afterwards.
  public var indexedUsers: Int
  /// Whether the index was rebuilt from scratch.
  public var indexRebuilt: Bool
  /// Whether the builtin embedder's IDF weights were fitted by this call.
  public var idfFitted: Bool
  /// Why a rebuild happened, and similar remarks for the user.
  public var notes: [String]
  /// Wall time.
  public var seconds: Double

  enum CodingKeys: String, CodingKey {
    case embedder, notes, seconds
    case reviewsEmbedded = "reviews_embedded"
    case usersUpdated = "users_updated"
    case usersSkipped = "users_skipped"
    case indexedUsers = "indexed_users"
    case indexRebuilt = "index_rebuilt"
    case idfFitted = "idf_fitted"
  }
}

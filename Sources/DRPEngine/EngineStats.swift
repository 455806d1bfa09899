// What `Engine.stats()` reports.
import DRPStore

/// Counts of a home directory: store rows, review vectors and the user index.
public struct EngineStats: Sendable, Codable, Equatable {
  /// Users, items and reviews.
  public var store: StoreStats
  /// Review vectors of the index's embedder.
  public var reviewVectors: Int
  /// Users in the index.
  public var indexedUsers: Int
  /// Index vector dimension.
  public var dimension: Int
  /// Bytes used by the index.
  public var indexBytes: Int
  /// The embedder that built the index (nil before the first `drp embed`).
  public var embedder: String?
  /// Whether the index file lags behind the store (run `drp embed`).
  public var indexStale: Bool
  /// The index file.
  public var indexPath: String

  enum CodingKeys: String, CodingKey {
    case store, dimension, embedder
    case reviewVectors = "review_vectors"
    case indexedUsers = "indexed_users"
    case indexBytes = "index_bytes"
    case indexStale = "index_stale"
    case indexPath = "index_path"
  }
}

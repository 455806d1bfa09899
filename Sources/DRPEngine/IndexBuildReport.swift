// What `Engine.rebuildIndex` and `Engine.buildIndex(from:)` did.

/// The outcome of building the user index.
public struct IndexBuildReport: Sendable, Codable, Equatable {
  /// Where the vectors came from: an embedder name, or `file:<path>`.
  public var source: String
  /// Vectors in the index.
  public var count: Int
  /// Vector dimension.
  public var dimension: Int
  /// Users or rows left out (zero vectors).
  public var skipped: Int
  /// Wall time.
  public var seconds: Double
}

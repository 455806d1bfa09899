/// One search result: the stored id and its cosine similarity to the query.
public struct Neighbor: Sendable, Equatable, CustomStringConvertible {
  /// The id given to `VectorIndex.upsert`.
  public var id: String
  /// Cosine similarity (inner product of L2-normalised vectors), in [-1, 1].
  public var score: Float

  /// Creates a result.
  public init(id: String, score: Float) {
    self.id = id
    self.score = score
  }

  public var description: String { "\(id):\(score)" }
}

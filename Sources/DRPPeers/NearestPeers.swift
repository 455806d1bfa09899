// Peer strategy: the most similar reviewers.

/// Chooses the `count` candidates most similar to the target (score = similarity).
public struct NearestPeers: PeerStrategy {
  /// `nearest`.
  public let name = "nearest"

  /// The nearest-peers strategy.
  public init() {}

  /// Chooses up to `count` peers (see the type's description).
  public func select(_ input: PeerSelectionInput, count: Int) -> [PeerChoice] {
    PeerStrategies.rankedBySimilarity(input).prefix(max(0, count)).map {
      PeerChoice(id: $0.candidate.id, score: $0.similarity, reviewID: $0.candidate.reviewID)
    }
  }
}

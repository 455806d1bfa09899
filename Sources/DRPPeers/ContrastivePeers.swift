// Peer strategy: some of the most similar and some of the least similar reviewers.

/// Chooses `ceil(count / 2)` nearest candidates, then fills the rest with the farthest
/// (least similar) ones, without duplicates (score = similarity; nearest listed first).
public struct ContrastivePeers: PeerStrategy {
  /// `contrastive`.
  public let name = "contrastive"

  /// The contrastive strategy.
  public init() {}

  /// Chooses up to `count` peers (see the type's description).
  public func select(_ input: PeerSelectionInput, count: Int) -> [PeerChoice] {
    let ranked = PeerStrategies.rankedBySimilarity(input)
    let total = min(max(0, count), ranked.count)
    let nearCount = (total + 1) / 2
    let picked = ranked.prefix(nearCount) + ranked.suffix(total - nearCount).reversed()
    return picked.map { PeerChoice(id: $0.candidate.id, score: $0.similarity, reviewID: $0.candidate.reviewID) }
  }
}

// Peer strategy: maximal marginal relevance.

/// Maximal marginal relevance: repeatedly picks the candidate maximising
/// `λ · sim(candidate, target) − (1 − λ) · max cos(candidate, already chosen)` over user
/// vectors — similar to the target, unlike each other. Score = the MMR value when picked.
public struct DiversePeers: PeerStrategy {
  /// `diverse`.
  public let name = "diverse"
  /// Relevance/diversity balance in [0, 1]: 1 is ``NearestPeers``, 0 only diversity.
  public let lambda: Double

  /// The diverse strategy with balance `lambda` (clamped to [0, 1]).
  public init(lambda: Double = 0.5) {
    self.lambda = min(max(lambda, 0), 1)
  }

  /// Chooses up to `count` peers (see the type's description).
  public func select(_ input: PeerSelectionInput, count: Int) -> [PeerChoice] {
    var remaining = PeerStrategies.rankedBySimilarity(input)
    var chosen: [PeerCandidate] = []
    var choices: [PeerChoice] = []
    // Highest similarity to any chosen peer, per remaining candidate.
    var redundancy = [Double](repeating: 0, count: remaining.count)
    while choices.count < count, !remaining.isEmpty {
      var best = 0
      var bestScore = -Double.infinity
      for (index, entry) in remaining.enumerated() {
        let score = lambda * entry.similarity - (1 - lambda) * (chosen.isEmpty ? 0 : redundancy[index])
        if score > bestScore {
          best = index
          bestScore = score
        }
      }
      let pick = remaining.remove(at: best).candidate
      redundancy.remove(at: best)
      chosen.append(pick)
      choices.append(PeerChoice(id: pick.id, score: bestScore, reviewID: pick.reviewID))
      for (index, entry) in remaining.enumerated() {
        let similarity = VectorMath.cosine(entry.candidate.userVector, pick.userVector)
        redundancy[index] = chosen.count == 1 ? similarity : max(redundancy[index], similarity)
      }
    }
    return choices
  }
}

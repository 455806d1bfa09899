// Peer strategy: representatives of the clusters of opinion about the item (DPL/DRP paper).

/// The DPL/DRP paper's method: k-means over the item's review vectors — the target's own review
/// (when the target reviewed the item) and every candidate's — into `count + 1` clusters
/// (`count` when the target has no review), and from every cluster that does not hold the
/// target's review, the candidate whose review is nearest the centroid.
///
/// A candidate without a review vector is placed by its user vector (same embedding space).
/// If clustering yields fewer representatives than `count` (e.g. identical reviews), the most
/// similar remaining candidates fill the gap (`representative`), or there are fewer peers
/// (`representative-strict`, the DRP paper's released code: `fillUp` false); with `count` or fewer
/// candidates all are returned.
/// Score = similarity to the target; output is ordered by cluster size, largest first
/// (the most widely shared opinion first), then by score.
public struct RepresentativePeers: PeerStrategy {
  /// `representative` (with fill-up) or `representative-strict`.
  public var name: String { fillUp ? "representative" : "representative-strict" }
  /// Lloyd iteration bound.
  public let maxIterations: Int
  /// k-means++ seed.
  public let seed: UInt64
  /// Whether the most similar remaining candidates fill places clustering left empty.
  public let fillUp: Bool

  /// The representative strategy.
  public init(maxIterations: Int = 50, seed: UInt64 = 0x5EED_D4B1, fillUp: Bool = true) {
    self.maxIterations = maxIterations
    self.seed = seed
    self.fillUp = fillUp
  }

  /// Chooses up to `count` peers (see the type's description).
  public func select(_ input: PeerSelectionInput, count: Int) -> [PeerChoice] {
    let ranked = PeerStrategies.rankedBySimilarity(input)
    let wanted = min(max(0, count), ranked.count)
    guard wanted > 0 else { return [] }
    if ranked.count <= wanted { return ranked.map(Self.choice) }

    let targetPoint = input.target.reviewVector
    let offset = targetPoint == nil ? 0 : 1
    let points = (targetPoint.map { [$0] } ?? []) + ranked.map { $0.candidate.reviewVector ?? $0.candidate.userVector }
    let result = KMeans(clusterCount: wanted + offset, maxIterations: maxIterations, seed: seed).fit(points)
    let targetCluster = offset == 1 ? result.assignments[0] : -1

    var picks: [(rank: Int, clusterSize: Int)] = []
    for (cluster, members) in result.members.enumerated() where cluster != targetCluster {
      let candidates = members.filter { $0 >= offset }
      let nearest = candidates.min { lhs, rhs in
        let l = VectorMath.squaredDistance(points[lhs], result.centroids[cluster])
        let r = VectorMath.squaredDistance(points[rhs], result.centroids[cluster])
        return l != r ? l < r : lhs < rhs
      }
      if let nearest { picks.append((nearest - offset, members.count)) }
    }
    picks.sort { $0.clusterSize != $1.clusterSize ? $0.clusterSize > $1.clusterSize : $0.rank < $1.rank }
    var chosen = Set(picks.map(\.rank))
    var order = picks.prefix(wanted).map(\.rank)
    for rank in ranked.indices where fillUp && order.count < wanted && !chosen.contains(rank) {
      order.append(rank)
      chosen.insert(rank)
    }
    return order.map { Self.choice(ranked[$0]) }
  }

  private static func choice(_ entry: (candidate: PeerCandidate, similarity: Double)) -> PeerChoice {
    PeerChoice(id: entry.candidate.id, score: entry.similarity, reviewID: entry.candidate.reviewID)
  }
}

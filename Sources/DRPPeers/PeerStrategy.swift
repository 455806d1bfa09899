// The peer-selection abstraction and the registry of named strategies.

/// Chooses comparable peers for a target user among the other reviewers of an item.
///
/// Every strategy returns at most `count` distinct candidates, never the target itself, and
/// returns all candidates (fewer peers, never an error) when there are not more than `count`.
public protocol PeerStrategy: Sendable {
  /// The strategy's name as used in configuration and on the command line.
  var name: String { get }
  /// Chooses up to `count` peers from `input`.
  func select(_ input: PeerSelectionInput, count: Int) -> [PeerChoice]
}

/// The built-in peer strategies, by name.
public enum PeerStrategies {
  /// Names accepted by ``named(_:)``.
  public static let names = ["nearest", "diverse", "representative", "representative-strict", "contrastive"]

  /// The strategy called `name` with default settings, or `nil` for an unknown name.
  public static func named(_ name: String) -> (any PeerStrategy)? {
    switch name.lowercased() {
    case "nearest": NearestPeers()
    case "diverse": DiversePeers()
    case "representative": RepresentativePeers()
    case "representative-strict": RepresentativePeers(fillUp: false)
    case "contrastive": ContrastivePeers()
    default: nil
    }
  }

  /// Candidates ordered by similarity to the target, most similar first; ties by id.
  static func rankedBySimilarity(_ input: PeerSelectionInput) -> [(candidate: PeerCandidate, similarity: Double)] {
    input.scoredCandidates.sorted { lhs, rhs in
      lhs.similarity != rhs.similarity ? lhs.similarity > rhs.similarity : lhs.candidate.id < rhs.candidate.id
    }
  }
}

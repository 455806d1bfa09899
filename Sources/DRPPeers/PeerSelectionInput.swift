// What a peer strategy chooses from: the target user and the candidate reviewers of an item.

/// The target user of a peer selection.
public struct PeerTarget: Sendable, Equatable {
  /// The user's id.
  public var id: String
  /// The user's vector (see ``UserVector/mean(of:timestamps:halfLifeDays:)``).
  public var userVector: [Float]
  /// The user's own review vector for the item, if they reviewed it.
  public var reviewVector: [Float]?

  /// A target user.
  public init(id: String, userVector: [Float], reviewVector: [Float]? = nil) {
    self.id = id
    self.userVector = userVector
    self.reviewVector = reviewVector
  }
}

/// Another reviewer of the item, a possible peer.
public struct PeerCandidate: Sendable, Equatable {
  /// The reviewer's user id.
  public var id: String
  /// The reviewer's user vector.
  public var userVector: [Float]
  /// The vector of the reviewer's review of the item, if known.
  public var reviewVector: [Float]?
  /// The id of that review, if known.
  public var reviewID: String?
  /// Similarity to the target (e.g. from the index's filtered search); when `nil` the cosine of
  /// the user vectors is used.
  public var similarity: Double?

  /// A candidate peer.
  public init(
    id: String, userVector: [Float], reviewVector: [Float]? = nil, reviewID: String? = nil, similarity: Double? = nil
  ) {
    self.id = id
    self.userVector = userVector
    self.reviewVector = reviewVector
    self.reviewID = reviewID
    self.similarity = similarity
  }
}

/// Everything a ``PeerStrategy`` needs for one target user and item.
public struct PeerSelectionInput: Sendable, Equatable {
  /// The target user.
  public var target: PeerTarget
  /// The candidates (other reviewers of the item); entries with the target's id are ignored.
  public var candidates: [PeerCandidate]

  /// Selection input for `target` among `candidates`.
  public init(target: PeerTarget, candidates: [PeerCandidate]) {
    self.target = target
    self.candidates = candidates
  }

  /// The candidates other than the target, each with its similarity to the target.
  var scoredCandidates: [(candidate: PeerCandidate, similarity: Double)] {
    candidates.filter { $0.id != target.id }.map { candidate in
      (candidate, candidate.similarity ?? VectorMath.cosine(candidate.userVector, target.userVector))
    }
  }
}

/// One selected peer.
public struct PeerChoice: Sendable, Equatable {
  /// The peer's user id.
  public var id: String
  /// The strategy's score for the choice (see each strategy; higher means chosen more strongly).
  public var score: Double
  /// The peer's review of the item, if known.
  public var reviewID: String?

  /// A chosen peer.
  public init(id: String, score: Double, reviewID: String?) {
    self.id = id
    self.score = score
    self.reviewID = reviewID
  }
}

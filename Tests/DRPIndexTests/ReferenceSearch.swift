import DRPIndex

/// Deterministic test vectors and a naive float64 reference search.
struct ReferenceSearch {
  private var state: UInt64

  init(seed: UInt64) { state = seed | 1 }

  /// A uniform value in [-1, 1) (xorshift64*).
  mutating func next() -> Float {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    let bits = (state &* 2_685_821_657_736_338_717) >> 40
    return Float(bits) / Float(1 << 23) - 1
  }

  mutating func vector(_ d: Int) -> [Float] { (0..<d).map { _ in next() } }

  /// Exact top-k ids by cosine similarity, computed in Double.
  static func topK(_ query: [Float], _ rows: [(id: String, vector: [Float])], k: Int) -> [(id: String, score: Double)] {
    func norm(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
    let qn = norm(query)
    let scored = rows.map { row -> (id: String, score: Double) in
      var dot: Double = 0
      for i in query.indices { dot += Double(query[i]) * Double(row.vector[i]) }
      return (row.id, dot / (qn * norm(row.vector)))
    }
    return Array(scored.sorted { $0.score > $1.score }.prefix(k))
  }
}

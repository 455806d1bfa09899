import DRPCore

// Deterministic k-means clustering (k-means++ initialisation, Lloyd iterations).

/// k-means clustering of dense vectors under squared Euclidean distance.
///
/// Initialisation is k-means++ driven by ``SplitMix64`` with a fixed seed, so the same points
/// and seed always give the same clusters. Lloyd iterations stop when no assignment changes or
/// after `maxIterations`. A cluster left empty is re-seeded with the point farthest from its
/// centroid (taken from a cluster with more than one point), so with at least `k` distinct
/// points no cluster ends empty.
public struct KMeans: Sendable {
  /// The requested number of clusters (capped at the number of points when fitting).
  public let clusterCount: Int
  /// The iteration bound.
  public let maxIterations: Int
  /// The random seed.
  public let seed: UInt64

  /// The outcome of ``fit(_:)``.
  public struct Result: Sendable, Equatable {
    /// One centroid per cluster.
    public let centroids: [[Float]]
    /// The cluster of each point, in input order.
    public let assignments: [Int]
    /// Lloyd iterations run.
    public let iterations: Int
    /// Sum of squared distances of points to their centroids.
    public let inertia: Double

    /// The point indices of each cluster.
    public var members: [[Int]] {
      var members = [[Int]](repeating: [], count: centroids.count)
      for (point, cluster) in assignments.enumerated() { members[cluster].append(point) }
      return members
    }
  }

  /// A k-means configuration.
  /// - Parameters:
  ///   - clusterCount: k (≥ 1).
  ///   - maxIterations: Bound on Lloyd iterations, default 50.
  ///   - seed: Seed of the k-means++ initialisation.
  public init(clusterCount: Int, maxIterations: Int = 50, seed: UInt64 = 0x5EED_D4B1) {
    precondition(clusterCount >= 1, "KMeans needs at least one cluster")
    self.clusterCount = clusterCount
    self.maxIterations = max(1, maxIterations)
    self.seed = seed
  }

  /// Clusters `points` (all of one length) into `min(clusterCount, points.count)` clusters.
  public func fit(_ points: [[Float]]) -> Result {
    guard !points.isEmpty else { return Result(centroids: [], assignments: [], iterations: 0, inertia: 0) }
    let k = min(clusterCount, points.count)
    var centroids = initialCentroids(points, k: k)
    var assignments = [Int](repeating: -1, count: points.count)
    var iterations = 0
    while iterations < maxIterations {
      iterations += 1
      var changed = false
      for (index, point) in points.enumerated() {
        let nearest = Self.nearest(point, centroids)
        if nearest != assignments[index] {
          assignments[index] = nearest
          changed = true
        }
      }
      if fillEmptyClusters(points, &assignments, centroids: centroids, k: k) { changed = true }
      centroids = Self.means(points, assignments, k: k)
      if !changed { break }
    }
    var inertia = 0.0
    for (index, point) in points.enumerated() {
      inertia += Double(VectorMath.squaredDistance(point, centroids[assignments[index]]))
    }
    return Result(centroids: centroids, assignments: assignments, iterations: iterations, inertia: inertia)
  }

  private func initialCentroids(_ points: [[Float]], k: Int) -> [[Float]] {
    var random = SplitMix64(seed: seed)
    var chosen = [Int(random.next() % UInt64(points.count))]
    var distances = points.map { VectorMath.squaredDistance($0, points[chosen[0]]) }
    while chosen.count < k {
      let total = distances.reduce(0.0) { $0 + Double($1) }
      var pick: Int
      if total > 0 {
        var threshold = random.nextUnit() * total
        pick = distances.lastIndex { $0 > 0 } ?? 0
        for (index, distance) in distances.enumerated() where distance > 0 {
          threshold -= Double(distance)
          if threshold < 0 {
            pick = index
            break
          }
        }
      } else {
        // All remaining points coincide with a centroid: take an unchosen one at random.
        let unchosen = points.indices.filter { !chosen.contains($0) }
        pick = unchosen[Int(random.next() % UInt64(unchosen.count))]
      }
      chosen.append(pick)
      for index in points.indices {
        distances[index] = min(distances[index], VectorMath.squaredDistance(points[index], points[pick]))
      }
    }
    return chosen.map { points[$0] }
  }

  /// Moves far points into empty clusters; returns whether any point moved.
  private func fillEmptyClusters(_ points: [[Float]], _ assignments: inout [Int], centroids: [[Float]], k: Int) -> Bool
  {
    var moved = false
    var sizes = [Int](repeating: 0, count: k)
    for cluster in assignments { sizes[cluster] += 1 }
    for empty in sizes.indices where sizes[empty] == 0 {
      var farthest = -1
      var farthestDistance: Float = -1
      for (index, point) in points.enumerated() where sizes[assignments[index]] > 1 {
        let distance = VectorMath.squaredDistance(point, centroids[assignments[index]])
        if distance > farthestDistance {
          farthest = index
          farthestDistance = distance
        }
      }
      guard farthest >= 0 else { return moved }
      sizes[assignments[farthest]] -= 1
      assignments[farthest] = empty
      sizes[empty] = 1
      moved = true
    }
    return moved
  }

  private static func nearest(_ point: [Float], _ centroids: [[Float]]) -> Int {
    var best = 0
    var bestDistance = Float.infinity
    for (index, centroid) in centroids.enumerated() {
      let distance = VectorMath.squaredDistance(point, centroid)
      if distance < bestDistance {
        best = index
        bestDistance = distance
      }
    }
    return best
  }

  /// The mean of each cluster's points (a cluster without points keeps a zero vector). Sums run
  /// in point order, one dimension per lane, in one flat buffer.
  private static func means(_ points: [[Float]], _ assignments: [Int], k: Int) -> [[Float]] {
    let dimension = points[0].count
    var sums = [Float](repeating: 0, count: k * dimension)
    var sizes = [Int](repeating: 0, count: k)
    sums.withUnsafeMutableBufferPointer { sums in
      for (index, point) in points.enumerated() {
        let cluster = assignments[index]
        sizes[cluster] += 1
        let sum = UnsafeMutableBufferPointer(rebasing: sums[(cluster * dimension)..<((cluster + 1) * dimension)])
        point.withUnsafeBufferPointer { point in
          for d in 0..<dimension { sum[d] += point[d] }
        }
      }
    }
    return (0..<k).map { cluster in
      let sum = sums[(cluster * dimension)..<((cluster + 1) * dimension)]
      return sizes[cluster] > 0 ? sum.map { $0 / Float(sizes[cluster]) } : Array(sum)
    }
  }
}

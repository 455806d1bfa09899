/// A bounded min-heap keeping the `k` best (score, row) pairs seen so far. `threshold` is the score
/// a new row must beat once the heap is full, so scans skip most rows with one comparison.
final class TopKHeap {
  let capacity: Int
  private(set) var count = 0
  private let scores: UnsafeMutablePointer<Float>
  private let rows: UnsafeMutablePointer<Int32>
  /// The score to beat: -infinity until the heap is full, then the worst kept score.
  private(set) var threshold: Float = -.infinity

  init(capacity: Int) {
    self.capacity = max(capacity, 1)
    scores = .allocate(capacity: self.capacity)
    rows = .allocate(capacity: self.capacity)
  }

  deinit {
    scores.deallocate()
    rows.deallocate()
  }

  /// Offers a candidate; call only when `score > threshold`.
  @inline(__always) func insert(_ score: Float, row: Int32) {
    if count < capacity {
      var i = count
      count += 1
      while i > 0 {
        let parent = (i - 1) >> 1
        if !Self.worse(score, row, scores[parent], rows[parent]) { break }
        scores[i] = scores[parent]
        rows[i] = rows[parent]
        i = parent
      }
      scores[i] = score
      rows[i] = row
      if count == capacity { threshold = scores[0] }
    } else {
      if !Self.worse(scores[0], rows[0], score, row) { return }
      siftDownRoot(score, row)
      threshold = scores[0]
    }
  }

  /// Whether (s1, r1) ranks below (s2, r2): lower score, or equal score and later row.
  @inline(__always) private static func worse(_ s1: Float, _ r1: Int32, _ s2: Float, _ r2: Int32) -> Bool {
    s1 < s2 || (s1 == s2 && r1 > r2)
  }

  private func siftDownRoot(_ score: Float, _ row: Int32) {
    var i = 0
    while true {
      let left = 2 * i + 1
      if left >= count { break }
      var child = left
      if left + 1 < count && Self.worse(scores[left + 1], rows[left + 1], scores[left], rows[left]) { child = left + 1 }
      if !Self.worse(scores[child], rows[child], score, row) { break }
      scores[i] = scores[child]
      rows[i] = rows[child]
      i = child
    }
    scores[i] = score
    rows[i] = row
  }

  /// Adds every entry of `other` (used to merge per-thread heaps).
  func merge(_ other: TopKHeap) {
    for i in 0..<other.count where other.scores[i] >= threshold { insert(other.scores[i], row: other.rows[i]) }
  }

  /// What is wrong with the heap, empty when it is sound: `count` within the capacity, no entry
  /// ranking below its parent (a min-heap in (score, row) order), `threshold` the root's score once
  /// full and -infinity before. For tests and debug checks; O(count).
  func invariantViolations() -> [String] {
    guard (0...capacity).contains(count) else { return ["count \(count) outside 0...\(capacity)"] }
    var problems: [String] = []
    for i in Swift.stride(from: 1, to: count, by: 1) {
      let parent = (i - 1) >> 1
      if Self.worse(scores[i], rows[i], scores[parent], rows[parent]) {
        problems.append("entry \(i) (\(scores[i]), row \(rows[i])) ranks below its parent \(parent)")
      }
    }
    let expected: Float = count == capacity ? scores[0] : -.infinity
    if threshold != expected { problems.append("threshold is \(threshold), expected \(expected)") }
    return problems
  }

  /// The kept entries, best first (ties broken by lower row).
  func sorted() -> [(score: Float, row: Int32)] {
    var result = (0..<count).map { (score: scores[$0], row: rows[$0]) }
    result.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
    return result
  }
}

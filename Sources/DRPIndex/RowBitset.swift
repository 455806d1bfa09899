/// A growable bitset over row numbers (tombstones, candidate masks).
struct RowBitset: Sendable, Equatable {
  /// 64 rows per word, bit `row % 64` of word `row / 64`.
  private(set) var words: [UInt64] = []

  init(rows: Int = 0) { words = [UInt64](repeating: 0, count: (rows + 63) / 64) }

  init(words: [UInt64]) { self.words = words }

  @inline(__always) func contains(_ row: Int) -> Bool {
    let w = row >> 6
    return w < words.count && words[w] & (1 << UInt64(row & 63)) != 0
  }

  mutating func insert(_ row: Int) {
    let w = row >> 6
    if w >= words.count { words.append(contentsOf: repeatElement(0, count: w - words.count + 1)) }
    words[w] |= 1 << UInt64(row & 63)
  }

  mutating func remove(_ row: Int) {
    let w = row >> 6
    if w < words.count { words[w] &= ~(1 << UInt64(row & 63)) }
  }

  /// Number of set bits.
  var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

  /// The set rows in ascending order.
  var rows: [Int32] {
    var result: [Int32] = []
    for (w, word) in words.enumerated() where word != 0 {
      var bits = word
      while bits != 0 {
        result.append(Int32(w * 64 + bits.trailingZeroBitCount))
        bits &= bits - 1
      }
    }
    return result
  }

  /// What is wrong with the set as the tombstones or mask of `rows` rows: bits set at or past
  /// `rows`. Empty when sound. For tests and debug checks.
  func invariantViolations(rows: Int) -> [String] {
    self.rows.filter { Int($0) >= rows }.map { "row bit \($0) is set past the last row \(rows - 1)" }
  }

  /// Ensures room for `rows` rows (words for rows beyond stay zero).
  mutating func reserve(rows: Int) {
    let needed = (rows + 63) / 64
    if needed > words.count { words.append(contentsOf: repeatElement(0, count: needed - words.count)) }
  }
}

// A tiny seeded random number generator with identical output on every platform.

/// The SplitMix64 generator (Steele, Lea & Flood 2014): deterministic for a given seed, so k-means
/// initialisation, synthetic data, bootstrap intervals and the offline generator are reproducible
/// across processes and platforms (Swift's `Hasher` and `SystemRandomNumberGenerator` are not).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// A generator starting from `seed`.
  public init(seed: UInt64) { state = seed }

  /// A generator seeded from the FNV-1a hash of `parts` joined by NUL (e.g. a user and an item id).
  public init(seeding parts: String...) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in parts.joined(separator: "\u{0}").utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    state = hash
  }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform double in [0, 1).
  public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// True with probability `p`.
  public mutating func chance(_ p: Double) -> Bool { nextUnit() < p }

  /// A uniform element of a non-empty array.
  public mutating func pick<T>(_ list: [T]) -> T { list[Int(next() % UInt64(list.count))] }

  /// A uniform integer in `range`.
  public mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
  }
}

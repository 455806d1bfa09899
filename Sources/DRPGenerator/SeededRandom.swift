/// A deterministic SplitMix64 generator seeded from strings with FNV-1a (Swift's `Hasher` is
/// randomised per process, so it cannot seed reproducible output).
struct SeededRandom: RandomNumberGenerator {
  private var state: UInt64

  /// Seeds from the FNV-1a hash of `parts` joined by NUL.
  init(_ parts: String...) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in parts.joined(separator: "\u{0}").utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x100_0000_01b3
    }
    state = hash
  }

  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

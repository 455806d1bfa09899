// Hashed sparse text features shared by BuiltinEmbedder and HashedIDF.
import DRPCore

/// The kinds of feature extracted from text; the raw value indexes the weight table.
enum FeatureKind: UInt8 {
  case word = 0
  case wordPair = 1
  case characterGram = 2
}

/// Extracts hashed features of text: word unigrams, word bigrams and UTF-8 byte 3-, 4- and
/// 5-grams of every word wrapped in `<` `>` boundary markers. Feature identity is the low
/// `bucketBits` bits of a seeded 64-bit hash (FNV-1a over bytes, finished with the
/// MurmurHash3 `fmix64` mixer), so nothing depends on Swift's per-process `Hasher`.
struct FeatureHasher {
  /// Version of the feature definition; bump when anything here changes.
  static let version = 1
  /// Character n-gram lengths.
  static let gramLengths = 3...5

  let bucketMask: UInt64

  init(bucketBits: Int) {
    bucketMask = (UInt64(1) << UInt64(bucketBits)) &- 1
  }

  /// Calls `body(bucket, kind)` for every feature occurrence of `text`.
  @inline(__always)
  func forEachFeature(in text: String, _ body: (Int, FeatureKind) -> Void) {
    var previousWord: UInt64? = nil
    TextTokenizer.forEachWord(in: text) { word in
      let wordHash = Self.fnv(word, seed: Self.wordSeed)
      body(bucket(Self.mix(wordHash)), .word)
      if let previous = previousWord {
        body(bucket(Self.mix((previous &* Self.pairMultiplier) ^ wordHash ^ Self.pairSeed)), .wordPair)
      }
      previousWord = wordHash
      // Byte n-grams of "<word>": position 0 is "<", 1...count the word, count + 1 is ">".
      let paddedCount = word.count + 2
      for start in 0..<paddedCount {
        var hash = Self.gramSeed
        let end = min(start + Self.gramLengths.upperBound, paddedCount)
        for index in start..<end {
          let byte = index == 0 ? UInt8(ascii: "<") : index == paddedCount - 1 ? UInt8(ascii: ">") : word[index - 1]
          hash = (hash ^ UInt64(byte)) &* Self.fnvPrime
          if index - start + 1 >= Self.gramLengths.lowerBound {
            body(bucket(Self.mix(hash)), .characterGram)
          }
        }
      }
    }
  }

  private func bucket(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash & bucketMask) }

  static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3
  static let fnvOffset: UInt64 = 0xCBF2_9CE4_8422_2325
  static let wordSeed: UInt64 = fnvOffset ^ 0x5752_4430_0000_0001
  static let pairSeed: UInt64 = 0x9E37_79B9_7F4A_7C15
  static let pairMultiplier: UInt64 = 0xC2B2_AE3D_27D4_EB4F
  static let gramSeed: UInt64 = fnvOffset ^ 0x4752_4130_0000_0003

  /// FNV-1a over `bytes` starting from `seed`.
  static func fnv(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
    var hash = seed
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* fnvPrime }
    return hash
  }

  /// MurmurHash3's 64-bit finaliser: spreads every input bit over the output.
  static func mix(_ value: UInt64) -> UInt64 {
    var x = value
    x ^= x >> 33
    x &*= 0xFF51_AFD7_ED55_8CCD
    x ^= x >> 33
    x &*= 0xC4CE_B9FE_1A85_EC53
    x ^= x >> 33
    return x
  }
}

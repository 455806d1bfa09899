// The embedded default embedder: hashed TF-IDF text features, no model needed.
import Foundation

/// The default embedder: signed feature hashing of sparse TF-IDF text features.
///
/// Design: text is tokenised by `TextTokenizer`; the features are word unigrams (weight 1.0),
/// word bigrams (0.6) and UTF-8 byte 3–5-grams of each word with `<` `>` boundary markers
/// (0.3 — a five-letter word yields ~12 of them, so the subword part carries about as much
/// energy as the word itself). Each feature is hashed (seeded FNV-1a + fmix64, identical across
/// processes and machines) to one of `2^bucketBits` buckets; per text the term frequency of a
/// bucket gets sublinear weighting `1 + ln(tf)`, times the bucket's ``HashedIDF`` weight
/// (1 without a fit). Each bucket is then mapped by a second hash to one of ``dimension``
/// coordinates with a ± sign (signed hashing keeps inner products unbiased), and the vector
/// is L2-normalised.
///
/// Trade-off: no model download, ~tens of MB/s on one core and fully deterministic, but it
/// captures lexical and morphological overlap only — synonyms ("great" vs "excellent") are not
/// close unless they share subwords. A remote neural embedder is better at semantics.
///
/// Text without any word (empty, only punctuation) embeds to the zero vector, whose cosine
/// with anything is defined as 0 by ``VectorMath/cosine(_:_:)``.
public struct BuiltinEmbedder: Embedder {
  /// The default vector length.
  public static let defaultDimension = 384

  public let dimension: Int
  /// The IDF fit applied, if any.
  public let idf: HashedIDF?
  /// `builtin-v1-<dimension>`, plus `-idf-<fingerprint>` when an IDF fit is applied.
  public let name: String
  private let bucketBits: Int
  private let projection: [UInt32]

  static let kindWeights: [Float] = [1.0, 0.6, 0.3]

  /// An embedder producing `dimension`-long vectors.
  /// - Parameters:
  ///   - dimension: Vector length (≥ 1), default 384.
  ///   - idf: A fitted ``HashedIDF``; `nil` weighs every feature 1.
  public init(dimension: Int = defaultDimension, idf: HashedIDF? = nil) {
    precondition(dimension >= 1, "BuiltinEmbedder dimension must be at least 1")
    self.dimension = dimension
    self.idf = idf
    let bits = idf?.bucketBits ?? HashedIDF.defaultBucketBits
    bucketBits = bits
    var name = "builtin-v\(FeatureHasher.version)-\(dimension)"
    if let idf { name += "-idf-\(idf.fingerprint)" }
    self.name = name
    // Bit 31 holds the sign, the low bits the coordinate.
    projection = (0..<(1 << bits)).map { bucket in
      let hash = FeatureHasher.mix(UInt64(bucket) ^ 0xA076_1D64_78BD_642F)
      let coordinate = UInt32(((hash & 0xFFFF_FFFF) &* UInt64(dimension)) >> 32)
      return coordinate | (hash >> 63 == 1 ? 0x8000_0000 : 0)
    }
  }

  /// Embeds `texts` synchronously (CPU only; never suspends). See ``vectors(for:)``.
  public func embed(_ texts: [String]) async throws -> [[Float]] {
    vectors(for: texts)
  }

  /// The L2-normalised vector of every text, in order; all-zero for texts without words.
  public func vectors(for texts: [String]) -> [[Float]] {
    let scratch = Scratch(buckets: 1 << bucketBits)
    return texts.map { vector(for: $0, scratch: scratch) }
  }

  /// The L2-normalised vector of one text.
  public func vector(for text: String) -> [Float] {
    vector(for: text, scratch: Scratch(buckets: 1 << bucketBits))
  }

  private func vector(for text: String, scratch: Scratch) -> [Float] {
    let counts = scratch.counts
    let kinds = scratch.kinds
    FeatureHasher(bucketBits: bucketBits).forEachFeature(in: text) { bucket, kind in
      let count = counts[bucket]
      if count == 0 {
        scratch.touched.append(Int32(truncatingIfNeeded: bucket))
        kinds[bucket] = kind.rawValue
      }
      if count < UInt16.max { counts[bucket] = count + 1 }
    }
    var vector = [Float](repeating: 0, count: dimension)
    for bucketIndex in scratch.touched {
      let bucket = Int(bucketIndex)
      var weight = (1 + log(Float(counts[bucket]))) * Self.kindWeights[Int(kinds[bucket])]
      if let idf { weight *= idf.weight(bucket: bucket) }
      let target = projection[bucket]
      vector[Int(target & 0x7FFF_FFFF)] += target & 0x8000_0000 != 0 ? -weight : weight
      counts[bucket] = 0
    }
    scratch.touched.removeAll(keepingCapacity: true)
    return VectorMath.normalized(vector)
  }
}

/// Per-call working memory: bucket counts and kinds, and the buckets touched by one text.
private final class Scratch {
  let counts: UnsafeMutableBufferPointer<UInt16>
  let kinds: UnsafeMutableBufferPointer<UInt8>
  var touched: [Int32] = []

  init(buckets: Int) {
    counts = .allocate(capacity: buckets)
    counts.initialize(repeating: 0)
    kinds = .allocate(capacity: buckets)
    kinds.initialize(repeating: 0)
    touched.reserveCapacity(1024)
  }

  deinit {
    counts.deallocate()
    kinds.deallocate()
  }
}

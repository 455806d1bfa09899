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

  /// The vector length.
  public let dimension: Int
  /// The IDF fit applied, if any.
  public let idf: HashedIDF?
  /// `builtin-v1-<dimension>`, plus `-idf-<fingerprint>` when an IDF fit is applied.
  public let name: String
  private let bucketBits: Int

  static let kindWeights: [Float] = [1.0, 0.6, 0.3]

  /// An embedder producing `dimension`-long vectors.
  /// - Parameters:
  ///   - dimension: Vector length (≥ 1), default 384.
  ///   - idf: A fitted ``HashedIDF``; `nil` weighs every feature 1.
  /// - Parameter textOnly: names an embedder fed review texts only (`embedder.text: text`), whose
  ///   vectors must not mix with title-and-text ones: `builtin-text-v…`.
  public init(dimension: Int = defaultDimension, idf: HashedIDF? = nil, textOnly: Bool = false) {
    precondition(dimension >= 1, "BuiltinEmbedder dimension must be at least 1")
    self.dimension = dimension
    self.idf = idf
    let bits = idf?.bucketBits ?? HashedIDF.defaultBucketBits
    bucketBits = bits
    var name = "builtin-\(textOnly ? "text-" : "")v\(FeatureHasher.version)-\(dimension)"
    if let idf { name += "-idf-\(idf.fingerprint)" }
    self.name = name
  }

  /// Embeds `texts` synchronously (CPU only; never suspends — ~20 MB of text per second, so
  /// split very large batches to keep the cooperative thread pool responsive).
  /// See ``vectors(for:)``.
  public func embed(_ texts: [String]) async throws -> [[Float]] {
    vectors(for: texts)
  }

  /// The L2-normalised vector of every text, in order; all-zero for texts without words.
  public func vectors(for texts: [String]) -> [[Float]] {
    let scratch = Scratch(buckets: 1 << bucketBits)
    return texts.map { vector(for: $0, scratch: scratch) }
  }

  /// The L2-normalised vector of one text. Each call sets up 512 KB of scratch memory, so
  /// prefer ``vectors(for:)`` for many texts.
  public func vector(for text: String) -> [Float] {
    vector(for: text, scratch: Scratch(buckets: 1 << bucketBits))
  }

  /// Per bucket the scratch holds the feature kind in the top 2 bits and the count (saturating
  /// at 2^14 - 1) in the low 14.
  private func vector(for text: String, scratch: Scratch) -> [Float] {
    let slots = scratch.slots
    var touched = scratch.touched
    FeatureHasher(bucketBits: bucketBits).forEachFeature(in: text) { bucket, kind in
      let slot = slots[bucket]
      if slot == 0 {
        touched.append(Int32(truncatingIfNeeded: bucket))
        slots[bucket] = UInt16(kind.rawValue) << 14 | 1
      } else if slot & Self.countMask != Self.countMask {
        slots[bucket] = slot + 1
      }
    }
    var vector = [Float](repeating: 0, count: dimension)
    let dimension = UInt64(dimension)
    for bucketIndex in touched {
      let bucket = Int(bucketIndex)
      let slot = slots[bucket]
      slots[bucket] = 0
      var weight = Self.sublinearTF(Int(slot & Self.countMask)) * Self.kindWeights[Int(slot >> 14)]
      if let idf { weight *= idf.weight(bucket: bucket) }
      // Second hash of the bucket: low 32 bits pick the coordinate, the top bit the sign.
      let hash = FeatureHasher.mix(UInt64(bucket) ^ Self.projectionSeed)
      let coordinate = Int(((hash & 0xFFFF_FFFF) &* dimension) >> 32)
      vector[coordinate] += hash >> 63 == 1 ? -weight : weight
    }
    touched.removeAll(keepingCapacity: true)
    scratch.touched = touched
    return VectorMath.normalized(vector)
  }

  private static let countMask: UInt16 = 0x3FFF
  private static let projectionSeed: UInt64 = 0xA076_1D64_78BD_642F
  private static let logTable: [Float] = (0..<256).map { $0 == 0 ? 0 : 1 + log(Float($0)) }

  /// `1 + ln(tf)`, from a table for small counts.
  private static func sublinearTF(_ count: Int) -> Float {
    count < logTable.count ? logTable[count] : 1 + log(Float(count))
  }
}

/// Per-call working memory: one slot per bucket and the buckets touched by one text.
private final class Scratch {
  let slots: UnsafeMutableBufferPointer<UInt16>
  var touched: [Int32] = []

  init(buckets: Int) {
    slots = .allocate(capacity: buckets)
    slots.initialize(repeating: 0)
    touched.reserveCapacity(1024)
  }

  deinit {
    slots.deallocate()
  }
}

// Inverse document frequencies over hashed feature buckets, fitted from a corpus.
import Foundation

/// Inverse document frequencies of ``BuiltinEmbedder`` features without a vocabulary.
///
/// Document frequencies are counted per hashed feature bucket (`2^bucketBits` buckets, default
/// 2^18 — far more than the embedding dimension, so few common features share a bucket with
/// rare ones) over a corpus: `idf(b) = ln((1 + N) / (1 + df(b))) + 1` (the smoothed form, always
/// ≥ 1). Colliding features share one IDF — the price of having no vocabulary file; at 2^18
/// buckets and review-sized vocabularies that blurs only a small fraction of features.
/// Serialise with ``serialized()`` to keep a fit in a store.
public struct HashedIDF: Sendable, Equatable {
  /// The default number of bucket bits.
  public static let defaultBucketBits = 18
  /// Allowed bucket bits.
  public static let bucketBitsRange = 10...24

  /// log2 of the number of buckets.
  public let bucketBits: Int
  /// How many documents were counted.
  public let documentCount: Int
  /// Documents holding a feature of each bucket.
  public let documentFrequencies: [UInt32]
  /// A short stable hex digest of the fit, used in ``BuiltinEmbedder/name``.
  public let fingerprint: String
  let weights: [Float]

  /// Counts document frequencies incrementally (e.g. while streaming reviews from a store).
  public struct Builder: Sendable {
    let hasher: FeatureHasher
    let bucketBits: Int
    var frequencies: [UInt32]
    var lastSeen: [UInt32]
    var documents = 0

    /// A builder with `2^bucketBits` buckets (clamped to ``HashedIDF/bucketBitsRange``).
    public init(bucketBits: Int = HashedIDF.defaultBucketBits) {
      let bits = min(max(bucketBits, HashedIDF.bucketBitsRange.lowerBound), HashedIDF.bucketBitsRange.upperBound)
      self.bucketBits = bits
      hasher = FeatureHasher(bucketBits: bits)
      frequencies = [UInt32](repeating: 0, count: 1 << bits)
      lastSeen = [UInt32](repeating: 0, count: 1 << bits)
    }

    /// Counts one document.
    public mutating func add(_ text: String) {
      documents += 1
      let mark = UInt32(truncatingIfNeeded: documents)
      hasher.forEachFeature(in: text) { bucket, _ in
        if lastSeen[bucket] != mark {
          lastSeen[bucket] = mark
          frequencies[bucket] &+= 1
        }
      }
    }

    /// The fitted IDF.
    public func build() -> HashedIDF {
      HashedIDF(bucketBits: bucketBits, documentCount: documents, documentFrequencies: frequencies)
    }
  }

  /// Fits document frequencies over `texts` (each one document).
  /// - Parameters:
  ///   - texts: The corpus, e.g. every review text in the store.
  ///   - bucketBits: log2 of the bucket count (default 18).
  public static func fit(texts: some Sequence<String>, bucketBits: Int = defaultBucketBits) -> HashedIDF {
    var builder = Builder(bucketBits: bucketBits)
    for text in texts { builder.add(text) }
    return builder.build()
  }

  private init(bucketBits: Int, documentCount: Int, documentFrequencies: [UInt32]) {
    self.bucketBits = bucketBits
    self.documentCount = documentCount
    self.documentFrequencies = documentFrequencies
    let total = Float(documentCount)
    weights = documentFrequencies.map { log((1 + total) / (1 + Float($0))) + 1 }
    var hash = FeatureHasher.fnvOffset
    for value in [UInt32(truncatingIfNeeded: bucketBits), UInt32(truncatingIfNeeded: documentCount)]
      + documentFrequencies
    {
      hash = (hash ^ UInt64(value)) &* FeatureHasher.fnvPrime
    }
    fingerprint = String(FeatureHasher.mix(hash) >> 32, radix: 16).leftPadded(to: 8)
  }

  /// The IDF weight of one bucket.
  public func weight(bucket: Int) -> Float { weights[bucket] }

  private static let magic = Array("DRPHIDF1".utf8)

  /// A compact binary form: magic `DRPHIDF1`, feature version, bucket bits, document count,
  /// then one little-endian `UInt32` per bucket.
  public func serialized() -> Data {
    var data = Data(Self.magic)
    func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    append(UInt32(FeatureHasher.version))
    append(UInt32(bucketBits))
    append(UInt32(truncatingIfNeeded: documentCount))
    data.reserveCapacity(data.count + documentFrequencies.count * 4)
    for frequency in documentFrequencies { append(frequency) }
    return data
  }

  /// Reads the form written by ``serialized()``.
  /// - Throws: ``HashedIDFError`` when the data is not a valid serialised fit.
  public init(serialized data: Data) throws {
    let bytes = [UInt8](data)
    let header = Self.magic.count + 12
    guard bytes.count >= header, Array(bytes[0..<Self.magic.count]) == Self.magic else {
      throw HashedIDFError(reason: "it does not start with the DRPHIDF1 header")
    }
    func word(at offset: Int) -> UInt32 {
      UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
        | UInt32(bytes[offset + 3]) << 24
    }
    let version = Int(word(at: 8))
    guard version == FeatureHasher.version else {
      throw HashedIDFError(reason: "feature version \(version) is not the supported \(FeatureHasher.version)")
    }
    let bits = Int(word(at: 12))
    guard Self.bucketBitsRange.contains(bits) else {
      throw HashedIDFError(reason: "bucket bits \(bits) outside \(Self.bucketBitsRange)")
    }
    let buckets = 1 << bits
    guard bytes.count == header + buckets * 4 else {
      throw HashedIDFError(reason: "expected \(header + buckets * 4) bytes for 2^\(bits) buckets, found \(bytes.count)")
    }
    let documents = Int(word(at: 16))
    let frequencies = (0..<buckets).map { word(at: header + $0 * 4) }
    guard frequencies.allSatisfy({ Int($0) <= documents }) else {
      throw HashedIDFError(reason: "a document frequency exceeds the document count \(documents)")
    }
    self.init(bucketBits: bits, documentCount: documents, documentFrequencies: frequencies)
  }

  public static func == (lhs: HashedIDF, rhs: HashedIDF) -> Bool {
    lhs.bucketBits == rhs.bucketBits && lhs.documentCount == rhs.documentCount
      && lhs.documentFrequencies == rhs.documentFrequencies
  }
}

/// A serialised ``HashedIDF`` could not be read.
public struct HashedIDFError: Error, CustomStringConvertible, Equatable {
  /// What was wrong with the data.
  public let reason: String
  /// A message for the user.
  public var description: String { "invalid IDF data: \(reason)" }
}

extension String {
  fileprivate func leftPadded(to length: Int) -> String {
    count >= length ? self : String(repeating: "0", count: length - count) + self
  }
}

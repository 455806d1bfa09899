import DRPCore
import DRPTestSupport
import Foundation
import XCTest

@testable import DRPPeers

final class FeatureHasherTests: XCTestCase {
  /// Published FNV-1a 64-bit test vectors: the hash is ours, not Swift's per-process `Hasher`.
  func testFNV1aMatchesPublishedVectors() {
    func fnv(_ text: String) -> UInt64 {
      Array(text.utf8).withUnsafeBufferPointer { FeatureHasher.fnv($0, seed: FeatureHasher.fnvOffset) }
    }
    XCTAssertEqual(fnv(""), 0xCBF2_9CE4_8422_2325)
    XCTAssertEqual(fnv("a"), 0xAF63_DC4C_8601_EC8C)
    XCTAssertEqual(fnv("foobar"), 0x8594_4171_F739_67E8)
    XCTAssertEqual(FeatureHasher.mix(0), 0)
    XCTAssertNotEqual(FeatureHasher.mix(1), FeatureHasher.mix(2))
  }

  func testFeatureCountsPerWord() {
    // "ab" → "<ab>": one word, 2 byte 3-grams + 1 4-gram; "ab cd" adds a bigram.
    var kinds: [FeatureKind] = []
    FeatureHasher(bucketBits: 18).forEachFeature(in: "ab") { _, kind in kinds.append(kind) }
    XCTAssertEqual(kinds, [.word, .characterGram, .characterGram, .characterGram])
    var pairs = 0
    FeatureHasher(bucketBits: 18).forEachFeature(in: "ab cd") { _, kind in pairs += kind == .wordPair ? 1 : 0 }
    XCTAssertEqual(pairs, 1)
  }

  /// The real reviews (read, never copied): every vector is unit length or, for texts without
  /// words, zero; an IDF fit over them changes the vectors but keeps them normalised.
  func testRealReviewsEmbed() throws {
    let url = try TestSupport.sharedDataFile("amazon2018_5core_magazine_giftcards.reviews.jsonl")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").prefix(500)
    let texts = lines.compactMap { line -> String? in
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      return object?["text"] as? String
    }
    XCTAssertGreaterThan(texts.count, 100)
    let idf = HashedIDF.fit(texts: texts)
    for embedder in [BuiltinEmbedder(), BuiltinEmbedder(idf: idf)] {
      for (text, vector) in zip(texts, embedder.vectors(for: texts)) {
        let norm = VectorMath.norm(vector)
        XCTAssertTrue(abs(norm - 1) < 1e-4 || (norm == 0 && TextTokenizer.words(text).isEmpty), text)
      }
    }
  }
}

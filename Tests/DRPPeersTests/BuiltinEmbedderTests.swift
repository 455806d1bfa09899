import DRPPeers
import XCTest

final class BuiltinEmbedderTests: XCTestCase {
  let embedder = BuiltinEmbedder()

  func testNameDimensionAndNormalisation() async throws {
    XCTAssertEqual(embedder.name, "builtin-v1-384")
    let vectors = try await embedder.embed(["A sturdy kettle that boils water quickly.", "x"])
    XCTAssertEqual(vectors.count, 2)
    for vector in vectors {
      XCTAssertEqual(vector.count, 384)
      XCTAssertEqual(VectorMath.norm(vector), 1, accuracy: 1e-5)
    }
    let small = BuiltinEmbedder(dimension: 16)
    XCTAssertEqual(small.name, "builtin-v1-16")
    XCTAssertEqual(small.vector(for: "hello world").count, 16)
  }

  func testDeterministicAcrossInstancesAndBatches() {
    let text = "Battery life is great, don't regret it. Ünïcode too."
    let first = embedder.vector(for: text)
    XCTAssertEqual(BuiltinEmbedder().vector(for: text), first)
    XCTAssertEqual(embedder.vectors(for: ["other text", text, text])[1...2].map { $0 }, [first, first])
  }

  func testTextWithoutWordsIsTheZeroVector() {
    for text in ["", "   ", "?!... --"] {
      let vector = embedder.vector(for: text)
      XCTAssertEqual(vector.count, 384)
      XCTAssertTrue(vector.allSatisfy { $0 == 0 }, "\(text.debugDescription) should embed to zeros")
    }
  }

  func testSimilarTextsAreCloserThanUnrelatedOnes() {
    let battery = embedder.vector(for: "The battery life of this phone is excellent and charging is fast")
    let similar = embedder.vector(for: "Excellent battery life; the phone charges fast")
    let unrelated = embedder.vector(for: "A boring novel whose characters felt flat and lifeless")
    XCTAssertGreaterThan(VectorMath.cosine(battery, similar), VectorMath.cosine(battery, unrelated) + 0.2)
    // Subword features make inflections close.
    let grinder = embedder.vector(for: "grinder")
    let plural = VectorMath.cosine(embedder.vector(for: "grinders"), grinder)
    let other = VectorMath.cosine(embedder.vector(for: "kettle"), grinder)
    XCTAssertGreaterThan(plural, other + 0.3)
  }

  func testIDFFitDownweightsCommonWords() {
    let corpus = (0..<50).map { "the product is item number \($0) overall" } + ["alpha", "beta"]
    let idf = HashedIDF.fit(texts: corpus)
    XCTAssertEqual(idf.documentCount, 52)
    let weighted = BuiltinEmbedder(idf: idf)
    XCTAssertTrue(weighted.name.hasPrefix("builtin-v1-384-idf-"))
    XCTAssertEqual(weighted.name.count, "builtin-v1-384-idf-".count + 8)
    let a = "the product is overall alpha"
    let b = "the product is overall beta"
    let plain = VectorMath.cosine(embedder.vector(for: a), embedder.vector(for: b))
    let idfWeighted = VectorMath.cosine(weighted.vector(for: a), weighted.vector(for: b))
    XCTAssertLessThan(idfWeighted, plain - 0.1, "shared common words should matter less after the IDF fit")
  }

  func testIDFSerialisationRoundTrip() throws {
    let idf = HashedIDF.fit(texts: ["one review text", "another review"], bucketBits: 12)
    let data = idf.serialized()
    XCTAssertEqual(data.count, 8 + 12 + 4 * 4096)
    let restored = try HashedIDF(serialized: data)
    XCTAssertEqual(restored, idf)
    XCTAssertEqual(restored.fingerprint, idf.fingerprint)
    XCTAssertEqual(
      BuiltinEmbedder(idf: restored).vector(for: "review"), BuiltinEmbedder(idf: idf).vector(for: "review"))
    XCTAssertNotEqual(HashedIDF.fit(texts: ["different"], bucketBits: 12).fingerprint, idf.fingerprint)
  }

  func testIDFRejectsBadData() {
    let valid = HashedIDF.fit(texts: ["text"], bucketBits: 10).serialized()
    var wrongMagic = valid
    wrongMagic[0] = UInt8(ascii: "X")
    var badBits = valid
    badBits[12] = 40
    var badFrequency = valid
    badFrequency[20] = 9  // df 9 > 1 document
    var badVersion = valid
    badVersion[8] = 7
    let cases: [(Data, String)] = [
      (Data(), "header"), (wrongMagic, "header"), (valid.prefix(100), "expected"), (valid + [0], "expected"),
      (badBits, "bucket bits"), (badFrequency, "exceeds"), (badVersion, "feature version"),
    ]
    for (data, fragment) in cases {
      XCTAssertThrowsError(try HashedIDF(serialized: data)) { error in
        XCTAssertTrue("\(error)".contains(fragment), "\(error) should mention \(fragment)")
        XCTAssertTrue("\(error)".hasPrefix("invalid IDF data: "))
      }
    }
  }
}

import DRPIndex
import DRPTestSupport
import XCTest

/// Files whose checksums are valid but whose structure is not (a faulty or hostile writer): the
/// reader refuses them with a clear error instead of crashing or hanging in a lookup. Found by
/// `scripts/fuzz.sh index` (Fuzz/crashers/index/).
final class IndexFileStructureTests: XCTestCase {
  /// A saved 40-row index (one deleted) as bytes, and a header field reader.
  private func image() throws -> [UInt8] {
    let dir = try TemporaryDirectory()
    let index = VectorIndex(dimension: 8)
    var rng = ReferenceSearch(seed: 2)
    for i in 0..<40 { try index.upsert(id: "u\(i)", vector: rng.vector(8)) }
    index.remove(id: "u3")
    try index.save(path: dir.path("i.drpi"))
    return Array(try Data(contentsOf: URL(fileURLWithPath: dir.path("i.drpi"))))
  }

  private func field(_ image: [UInt8], _ offset: Int) -> Int {
    image.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) }
  }

  private func store<T: FixedWidthInteger>(_ value: T, at offset: Int, in image: inout [UInt8]) {
    image.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
  }

  /// Restamps the checksum, loads, and returns the error (nil when it loaded).
  private func loadError(_ image: [UInt8]) throws -> String? {
    var stamped = image
    VectorIndex.restampHeaderChecksum(&stamped)
    let dir = try TemporaryDirectory()
    let path = dir.path("bad.drpi")
    try Data(stamped).write(to: URL(fileURLWithPath: path))
    do {
      let index = try VectorIndex.load(path: path, verify: false)
      _ = try index.search([Float](repeating: 1, count: 8), k: 40)
      _ = index.contains("nobody")
      return nil
    } catch {
      return "\(error)"
    }
  }

  func testRestampedIntactFileLoads() throws {
    XCTAssertNil(try loadError(try image()))
  }

  func testOffsetsOutOfOrderAreRefused() throws {
    var bad = try image()
    let offsets = field(bad, 40)
    store(UInt64(10_000), at: offsets + 5 * 8, in: &bad)  // row 5 starts past the id bytes
    XCTAssertEqual(try loadError(bad)?.contains("id table offsets out of order at row 5"), true)
    var backwards = try image()
    store(UInt64(1), at: offsets + 9 * 8, in: &backwards)  // row 9 starts before row 8
    XCTAssertEqual(try loadError(backwards)?.contains("id table offsets out of order at row 9"), true)
  }

  func testHashSlotsNamingMissingRowsOrNoEmptySlotAreRefused() throws {
    var bad = try image()
    let slots = field(bad, 64), slotCount = field(bad, 72)
    store(UInt32(41), at: slots + 4 * 3, in: &bad)  // row 40 of 40 rows
    let error = try loadError(bad)
    XCTAssertEqual(error?.contains("names row 40 of 40"), true, "\(String(describing: error))")
    var full = try image()
    for slot in 0..<slotCount { store(UInt32(1), at: slots + 4 * slot, in: &full) }
    XCTAssertEqual(try loadError(full)?.contains("no empty slot"), true)
  }

  func testTombstoneBitsPastTheLastRowAreRefused() throws {
    var bad = try image()
    let deleted = field(bad, 80)
    // Row 3's tombstone moved to bit 50 (no row 50): the count still matches the header.
    store(UInt64(1) << 50, at: deleted, in: &bad)
    XCTAssertEqual(try loadError(bad)?.contains("tombstone count does not match the bitmap"), true)
  }
}

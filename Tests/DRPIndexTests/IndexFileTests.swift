import DRPIndex
import DRPTestSupport
import XCTest

final class IndexFileTests: XCTestCase {
  private func sample(quantized: Bool) throws -> VectorIndex {
    let index = VectorIndex(dimension: 19, quantized: quantized)
    var rng = ReferenceSearch(seed: 4)
    for i in 0..<300 { try index.upsert(id: "user-\(i)-é", vector: rng.vector(19)) }
    index.remove(id: "user-5-é")
    return index
  }

  func testRoundTripPlainAndQuantized() throws {
    let dir = try TemporaryDirectory()
    for quantized in [false, true] {
      let index = try sample(quantized: quantized)
      let path = dir.path("index-\(quantized).drpv")
      try index.save(path: path)
      for verify in [false, true] {
        let loaded = try VectorIndex.load(path: path, verify: verify)
        XCTAssertEqual(loaded.count, 299)
        XCTAssertEqual(loaded.quantized, quantized)
        XCTAssertEqual(loaded.info().tombstones, 1)
        XCTAssertEqual(loaded.info().path, path)
        XCTAssertFalse(loaded.contains("user-5-é"))
        XCTAssertEqual(loaded.vector(for: "user-7-é"), index.vector(for: "user-7-é"))
        var rng = ReferenceSearch(seed: 8)
        let query = rng.vector(19)
        XCTAssertEqual(try loaded.search(query, k: 10), try index.search(query, k: 10))
        // Mutations after load (copy-on-write mapping) do not touch the file.
        try loaded.upsert(id: "fresh", vector: query)
        XCTAssertEqual(try loaded.search(query, k: 1).map(\.id), ["fresh"])
        XCTAssertTrue(loaded.remove(id: "user-7-é"))
        loaded.compact()
        XCTAssertEqual(loaded.count, 299)
      }
      XCTAssertNoThrow(try VectorIndex.verify(path: path))
      XCTAssertEqual(try VectorIndex.load(path: path, verify: true).count, 299)
    }
  }

  func testPrefaultMapsTheLoadedRowsAndChangesNoResult() throws {
    let dir = try TemporaryDirectory()
    for quantized in [false, true] {
      let index = try sample(quantized: quantized)
      let path = dir.path("prefault-\(quantized).drpv")
      try index.save(path: path)
      let loaded = try VectorIndex.load(path: path, verify: false)
      let done = DispatchSemaphore(value: 0)
      let result = LockedCounter()
      loaded.prefault { ok in
        if ok { result.add() }
        done.signal()
      }
      XCTAssertEqual(done.wait(timeout: .now() + 10), .success, "prefault completes")
      XCTAssertEqual(result.value, 1, "the kernel populated the mapping (Linux 5.14+)")
      var rng = ReferenceSearch(seed: 3)
      let query = rng.vector(19)
      XCTAssertEqual(try loaded.search(query, k: 10), try index.search(query, k: 10))
      // An index built in memory has nothing to map in.
      let built = DispatchSemaphore(value: 0)
      index.prefault { _ in built.signal() }
      XCTAssertEqual(built.wait(timeout: .now() + 10), .success)
    }
  }

  func testEmptyIndexRoundTrip() throws {
    let dir = try TemporaryDirectory()
    try VectorIndex(dimension: 8).save(path: dir.path("e.drpv"))
    let loaded = try VectorIndex.load(path: dir.path("e.drpv"), verify: true)
    XCTAssertEqual(loaded.count, 0)
    XCTAssertEqual(loaded.dimension, 8)
  }

  private func saved(in dir: TemporaryDirectory) throws -> (String, [UInt8]) {
    let path = dir.path("i.drpv")
    try sample(quantized: true).save(path: path)
    return (path, [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
  }

  func testTruncatedFileIsAlwaysDetected() throws {
    let dir = try TemporaryDirectory()
    let (path, bytes) = try saved(in: dir)
    for length in [0, 5, 100, bytes.count / 2, bytes.count - 1] {
      try Data(bytes.prefix(length)).write(to: URL(fileURLWithPath: path))
      XCTAssertThrowsError(try VectorIndex.load(path: path, verify: false), "length \(length)") {
        guard case .truncatedFile = $0 as? IndexError else { return XCTFail("\($0)") }
      }
    }
  }

  func testFlippedByteIsDetected() throws {
    let dir = try TemporaryDirectory()
    let (path, bytes) = try saved(in: dir)
    var corrupt = bytes
    corrupt[bytes.count - 3000] ^= 0x10  // inside the vector or code payload
    try Data(corrupt).write(to: URL(fileURLWithPath: path))
    XCTAssertNoThrow(try VectorIndex.load(path: path, verify: false))  // payload is checked lazily
    XCTAssertThrowsError(try VectorIndex.verify(path: path)) {
      XCTAssertEqual($0 as? IndexError, .checksumMismatch(path: path, section: "vectors"))
    }
    XCTAssertThrowsError(try VectorIndex.load(path: path, verify: true))
    corrupt = bytes
    corrupt[400] ^= 0x01  // id table: always checked on load
    try Data(corrupt).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try VectorIndex.load(path: path, verify: false)) {
      guard let error = $0 as? IndexError else { return XCTFail("\($0)") }
      switch error {
      case .checksumMismatch, .corruptHeader: XCTAssertTrue(error.description.contains(path))
      default: XCTFail("\(error)")
      }
    }
  }

  func testWrongMagicAndVersion() throws {
    let dir = try TemporaryDirectory()
    let (path, bytes) = try saved(in: dir)
    var corrupt = bytes
    corrupt[0] = UInt8(ascii: "X")
    try Data(corrupt).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try VectorIndex.load(path: path, verify: false)) {
      XCTAssertEqual($0 as? IndexError, .badMagic(path: path))
    }
    corrupt = bytes
    corrupt[8] = 9
    try Data(corrupt).write(to: URL(fileURLWithPath: path))
    XCTAssertThrowsError(try VectorIndex.load(path: path, verify: false)) {
      XCTAssertEqual($0 as? IndexError, .unsupportedVersion(path: path, version: 9))
    }
    for (offset, value) in [(29, UInt8(0x40)), (56 + 6, UInt8(0x7F)), (16, UInt8(7))] {  // rows, id bytes, dimension
      corrupt = bytes
      corrupt[offset] = value
      try Data(corrupt).write(to: URL(fileURLWithPath: path))
      XCTAssertThrowsError(try VectorIndex.load(path: path, verify: false), "offset \(offset)") {
        guard case .corruptHeader = $0 as? IndexError else { return XCTFail("\($0)") }
      }
    }
    XCTAssertThrowsError(try VectorIndex.load(path: path + ".missing", verify: false)) {
      guard case .io = $0 as? IndexError else { return XCTFail("\($0)") }
    }
  }

  func testLoadedIndexChecksDimension() throws {
    let dir = try TemporaryDirectory()
    let (path, _) = try saved(in: dir)
    let loaded = try VectorIndex.load(path: path, verify: false)
    XCTAssertThrowsError(try loaded.search([1, 2, 3], k: 1)) {
      XCTAssertEqual($0 as? IndexError, .dimensionMismatch(expected: 19, actual: 3))
    }
  }
}

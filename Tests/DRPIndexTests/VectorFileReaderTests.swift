import DRPIndex
import DRPTestSupport
import XCTest

final class VectorFileReaderTests: XCTestCase {
  private func write(_ bytes: [UInt8], _ dir: TemporaryDirectory, _ name: String) throws -> String {
    let path = dir.path(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
  }

  private func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
  private func floats(_ values: [Float]) -> [UInt8] { values.flatMap { le($0.bitPattern) } }

  private func npy(descr: String = "<f4", shape: String = "(2, 3)", data: [Float]) -> [UInt8] {
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    return [0x93] + Array("NUMPY".utf8) + [1, 0] + le(UInt16(header.utf8.count)) + Array(header.utf8) + floats(data)
  }

  private func rows(_ file: VectorFile) -> [[Float]] { (0..<file.count).map(file.vector) }
  private func ids(_ file: VectorFile) -> [String] { (0..<file.count).map(file.id) }

  func testFvecsBvecsNpyAndJSONL() throws {
    let dir = try TemporaryDirectory()
    let fvecs = try write(le(Int32(2)) + floats([1, 2]) + le(Int32(2)) + floats([3, 4]), dir, "a.fvecs")
    let file = try VectorFileReader.read(path: fvecs)
    XCTAssertEqual(ids(file), ["0", "1"])
    XCTAssertNil(file.ids)
    XCTAssertEqual(rows(file), [[1, 2], [3, 4]])
    let bvecs = try write(le(Int32(3)) + [0, 7, 255] + le(Int32(3)) + [1, 2, 3], dir, "a.bvecs")
    XCTAssertEqual(rows(try VectorFileReader.read(path: bvecs)), [[0, 7, 255], [1, 2, 3]])
    let npyPath = try write(npy(data: [1, 2, 3, 4, 5, 6]), dir, "a.npy")
    XCTAssertEqual(rows(try VectorFileReader.read(path: npyPath)), [[1, 2, 3], [4, 5, 6]])
    try "u1\nu2\n".write(toFile: dir.path("ids.txt"), atomically: true, encoding: .utf8)
    XCTAssertEqual(ids(try VectorFileReader.read(path: npyPath, idsPath: dir.path("ids.txt"))), ["u1", "u2"])
    XCTAssertEqual(ids(try VectorFileReader.read(path: bvecs, idsPath: dir.path("ids.txt"))), ["u1", "u2"])
    let jsonl = try write(
      Array("{\"id\":\"a\",\"vector\":[1,2.5]}\n\n{\"id\":\"b\",\"vector\":[0,1]}\n".utf8), dir, "v.jsonl")
    let json = try VectorFileReader.read(path: jsonl)
    XCTAssertEqual(ids(json), ["a", "b"])
    XCTAssertEqual(json.vector(0), [1, 2.5])
    // A JSONL file without ids numbers its rows, like the binary formats.
    let anonymous = try write(Array("{\"vector\":[1,2]}\n{\"vector\":[3,4]}\n".utf8), dir, "q.jsonl")
    XCTAssertEqual(ids(try VectorFileReader.read(path: anonymous)), ["0", "1"])
    let ivecs = try write(
      le(Int32(2)) + le(Int32(5)) + le(Int32(-1)) + le(Int32(2)) + le(Int32(0)) + le(Int32(9)), dir, "gt.ivecs")
    XCTAssertEqual(try VectorFileReader.readIntegerRows(path: ivecs), [[5, -1], [0, 9]])
  }

  func testWriterRoundTripsEveryFormatByteForByte() throws {
    let dir = try TemporaryDirectory()
    let file = VectorFile(dimension: 3, values: [1, 2, 3, 4, 5, 255])
    for name in ["w.fvecs", "w.bvecs", "w.npy"] {
      try VectorFileWriter.write(file, to: dir.path(name))
      XCTAssertEqual(rows(try VectorFileReader.read(path: dir.path(name))), [[1, 2, 3], [4, 5, 255]], name)
    }
    // The TEXMEX layout exactly: Int32 dimension then the components, little-endian.
    XCTAssertEqual(
      [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path("w.fvecs")))),
      le(Int32(3)) + floats([1, 2, 3]) + le(Int32(3)) + floats([4, 5, 255]))
    XCTAssertEqual(
      [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path("w.bvecs")))),
      le(Int32(3)) + [1, 2, 3] + le(Int32(3)) + [4, 5, 255])
    try VectorFileWriter.writeIntegerRows([[3, 1], [0, 2]], to: dir.path("gt.ivecs"))
    XCTAssertEqual(
      [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.path("gt.ivecs")))),
      le(Int32(2)) + le(Int32(3)) + le(Int32(1)) + le(Int32(2)) + le(Int32(0)) + le(Int32(2)))
    XCTAssertEqual(try VectorFileReader.readIntegerRows(path: dir.path("gt.ivecs")), [[3, 1], [0, 2]])

    let bad: [(String, () throws -> Void, String)] = [
      (
        "x.bvecs", { try VectorFileWriter.write(VectorFile(dimension: 1, values: [0.5]), to: dir.path("x.bvecs")) },
        "0...255"
      ),
      (
        "x.bvecs", { try VectorFileWriter.write(VectorFile(dimension: 1, values: [256]), to: dir.path("x.bvecs")) },
        "0...255"
      ),
      ("x.txt", { try VectorFileWriter.write(file, to: dir.path("x.txt")) }, "extension"),
      ("x.ivecs", { try VectorFileWriter.writeIntegerRows([[1, 2], [3]], to: dir.path("x.ivecs")) }, "row 1"),
      ("x.fvecs", { try VectorFileWriter.writeIntegerRows([[1]], to: dir.path("x.fvecs")) }, ".ivecs"),
    ]
    for (name, action, fragment) in bad {
      XCTAssertThrowsError(try action(), name) {
        XCTAssertTrue("\($0)".contains("cannot write vectors to"), "\(name): \($0)")
        XCTAssertTrue("\($0)".contains(fragment), "\(name): \($0)")
      }
    }
  }

  func testBadInput() throws {
    let dir = try TemporaryDirectory()
    let cases: [(String, [UInt8], String)] = [
      (
        "ragged.fvecs", le(Int32(2)) + floats([1, 2]) + le(Int32(3)) + floats([1, 2, 3]),
        "row 1 has dimension header 3 but row 0 has 2"
      ),
      ("short.fvecs", le(Int32(4)) + floats([1, 2]), "row 0 is truncated"),
      (
        "cut.fvecs", le(Int32(2)) + floats([1, 2]) + le(Int32(2)) + floats([3]), "row 1 is truncated: 8 of its 12 bytes"
      ),
      ("zero.fvecs", le(Int32(0)) + floats([1, 2]), "dimension header 0; it must be positive"),
      ("negative.bvecs", le(Int32(-3)) + [1, 2, 3], "dimension header -3"),
      ("huge.fvecs", le(Int32(1 << 30)) + floats([1]), "row 0 is truncated: its dimension header says 1073741824"),
      ("tiny.fvecs", [1, 0], "less than its dimension header"),
      ("cut.bvecs", le(Int32(3)) + [1, 2, 3] + le(Int32(3)) + [1], "row 1 is truncated"),
      ("empty.fvecs", [], "holds no vectors"),
      ("trunc.npy", Array(npy(data: [1, 2, 3, 4, 5, 6]).prefix(30)), "truncated .npy header"),
      ("f8.npy", npy(descr: "<f8", data: [1, 2, 3, 4, 5, 6]), "float32"),
      ("shape.npy", npy(shape: "(6,)", data: [1, 2, 3, 4, 5, 6]), "2-D"),
      ("data.npy", npy(data: [1, 2, 3]), "data bytes"),
      ("overflow.npy", npy(shape: "(4611686018427387904, 4)", data: [1, 2, 3]), "more than the largest file"),
      ("overflow2.npy", npy(shape: "(2305843009213693952, 2)", data: [1, 2, 3]), "more than the largest file"),
      ("magic.npy", Array("hello world".utf8), "magic"),
      ("bad.jsonl", Array("{\"id\":\"a\",\"vector\":[1]}\n{\"id\":\"b\",\"vector\":[1,}\n".utf8), "line 2"),
      ("mixed.jsonl", Array("{\"id\":\"a\",\"vector\":[1]}\n{\"vector\":[2]}\n".utf8), "line 2 has no \"id\""),
      (
        "dup.jsonl", Array("{\"id\":\"a\",\"vector\":[1]}\n{\"id\":\"a\",\"vector\":[2]}\n".utf8),
        "id 'a' is on lines 1 and 2"
      ),
      (
        "ragged.jsonl", Array("{\"vector\":[1]}\n\n{\"vector\":[2, 3]}\n".utf8), "line 3 has 2 numbers but line 1 has 1"
      ),
      ("emptyvec.jsonl", Array("{\"vector\":[]}\n".utf8), "empty vector"),
      ("x.csv", [1], "extension"),
    ]
    for (name, bytes, fragment) in cases {
      let path = try write(bytes, dir, name)
      XCTAssertThrowsError(try VectorFileReader.read(path: path), name) {
        XCTAssertTrue("\($0)".contains(fragment), "\(name): \($0)")
        XCTAssertTrue("\($0)".contains(path), "\(name): names the file: \($0)")
      }
    }
    let ivecsCases: [(String, [UInt8], String)] = [
      ("cut.ivecs", le(Int32(2)) + le(Int32(1)) + le(Int32(2)) + le(Int32(2)) + le(Int32(1)), "row 1 is truncated"),
      (
        "ragged.ivecs", le(Int32(1)) + le(Int32(1)) + le(Int32(2)) + le(Int32(1)) + le(Int32(2)),
        "row 1 has dimension header 2"
      ),
      ("empty.ivecs", [], "holds no rows"),
      ("gt.fvecs", le(Int32(1)) + le(Int32(1)), "must be an .ivecs file"),
    ]
    for (name, bytes, fragment) in ivecsCases {
      let path = try write(bytes, dir, name)
      XCTAssertThrowsError(try VectorFileReader.readIntegerRows(path: path), name) {
        XCTAssertTrue("\($0)".contains(fragment), "\(name): \($0)")
      }
    }
    let ok = try write(npy(data: [1, 2, 3, 4, 5, 6]), dir, "ok.npy")
    try "only-one\n".write(toFile: dir.path("ids1.txt"), atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try VectorFileReader.read(path: ok, idsPath: dir.path("ids1.txt")))
    XCTAssertThrowsError(try VectorFileReader.read(path: dir.path("missing.npy")))
    let jsonl = try write(Array("{\"vector\":[1]}\n".utf8), dir, "ok.jsonl")
    XCTAssertThrowsError(try VectorFileReader.read(path: jsonl, idsPath: dir.path("ids1.txt"))) {
      XCTAssertTrue("\($0)".contains("JSONL lines carry their own ids"), "\($0)")
    }
  }
}

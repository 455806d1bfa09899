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

  func testFvecsNpyAndJSONL() throws {
    let dir = try TemporaryDirectory()
    let fvecs = try write(le(Int32(2)) + floats([1, 2]) + le(Int32(2)) + floats([3, 4]), dir, "a.fvecs")
    let rows = try VectorFileReader.read(path: fvecs)
    XCTAssertEqual(rows.map(\.id), ["0", "1"])
    XCTAssertEqual(rows.map(\.vector), [[1, 2], [3, 4]])
    let npyPath = try write(npy(data: [1, 2, 3, 4, 5, 6]), dir, "a.npy")
    XCTAssertEqual(try VectorFileReader.read(path: npyPath).map(\.vector), [[1, 2, 3], [4, 5, 6]])
    try "u1\nu2\n".write(toFile: dir.path("ids.txt"), atomically: true, encoding: .utf8)
    XCTAssertEqual(try VectorFileReader.read(path: npyPath, idsPath: dir.path("ids.txt")).map(\.id), ["u1", "u2"])
    let jsonl = try write(
      Array("{\"id\":\"a\",\"vector\":[1,2.5]}\n\n{\"id\":\"b\",\"vector\":[0,1]}\n".utf8), dir, "v.jsonl")
    let json = try VectorFileReader.read(path: jsonl)
    XCTAssertEqual(json.map(\.id), ["a", "b"])
    XCTAssertEqual(json[0].vector, [1, 2.5])
  }

  func testBadInput() throws {
    let dir = try TemporaryDirectory()
    let cases: [(String, [UInt8], String)] = [
      ("ragged.fvecs", le(Int32(2)) + floats([1, 2]) + le(Int32(3)) + floats([1, 2, 3]), "ragged"),
      ("short.fvecs", le(Int32(4)) + floats([1, 2]), "truncated"),
      ("trunc.npy", Array(npy(data: [1, 2, 3, 4, 5, 6]).prefix(30)), "truncated .npy header"),
      ("f8.npy", npy(descr: "<f8", data: [1, 2, 3, 4, 5, 6]), "float32"),
      ("shape.npy", npy(shape: "(6,)", data: [1, 2, 3, 4, 5, 6]), "2-D"),
      ("data.npy", npy(data: [1, 2, 3]), "data bytes"),
      ("magic.npy", Array("hello world".utf8), "magic"),
      ("bad.jsonl", Array("{\"id\":\"a\",\"vector\":[1]}\n{\"id\":\"b\",\"vector\":[1,}\n".utf8), "line 2"),
      ("noid.jsonl", Array("{\"vector\":[1]}\n".utf8), "line 1"),
      ("x.csv", [1], "extension"),
    ]
    for (name, bytes, fragment) in cases {
      let path = try write(bytes, dir, name)
      XCTAssertThrowsError(try VectorFileReader.read(path: path), name) {
        XCTAssertTrue("\($0)".contains(fragment), "\(name): \($0)")
      }
    }
    let ok = try write(npy(data: [1, 2, 3, 4, 5, 6]), dir, "ok.npy")
    try "only-one\n".write(toFile: dir.path("ids1.txt"), atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try VectorFileReader.read(path: ok, idsPath: dir.path("ids1.txt")))
    XCTAssertThrowsError(try VectorFileReader.read(path: dir.path("missing.npy")))
  }
}

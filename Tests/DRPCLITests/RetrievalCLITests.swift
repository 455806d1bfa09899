// The retrieval workflow a benchmark user runs: index a vector file, query it by id and by query
// files in every format, write ground truth, measure recall; and every bad file it can meet.
import DRPTestSupport
import Foundation
import XCTest

/// Vector files written byte by byte here (independently of DRPIndex's writer), and the exact
/// cosine neighbours computed in Double.
private struct VectorSet {
  var rows: [[Float]]

  /// `count` rows of `dimension` small integers (so .bvecs can hold them too), none all zero.
  init(count: Int, dimension: Int, seed: UInt64) {
    var state = seed
    rows = (0..<count).map { _ in
      (0..<dimension).map { j in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float((state >> 33) % 200) + (j == 0 ? 1 : 0)
      }
    }
  }

  private static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
  }

  /// The TEXMEX layout: per row an Int32 dimension, then float32 (.fvecs) or uint8 (.bvecs) values.
  func xvecs(bytes: Bool) -> Data {
    Data(
      rows.flatMap { row in
        Self.le(Int32(row.count)) + row.flatMap { bytes ? [UInt8($0)] : Self.le($0.bitPattern) }
      })
  }

  /// A NumPy v1 file of a (rows, dimension) little-endian float32 array.
  func npy() -> Data {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows.count), \(rows[0].count)), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    return Data(
      [0x93] + Array("NUMPY".utf8) + [1, 0] + Self.le(UInt16(header.utf8.count)) + Array(header.utf8)
        + rows.flatMap { $0.flatMap { Self.le($0.bitPattern) } })
  }

  /// JSONL lines, with ids when given.
  func jsonl(ids: [String]? = nil) -> Data {
    Data(
      rows.enumerated().map { index, row in
        let vector = "[" + row.map { String(Int($0)) }.joined(separator: ",") + "]"
        return ids.map { "{\"id\":\"\($0[index])\",\"vector\":\(vector)}" } ?? "{\"vector\":\(vector)}"
      }.joined(separator: "\n").utf8 + [0x0A])
  }

  /// Row numbers of the `k` rows most similar (cosine) to `query`, best first, `skip` left out.
  func nearest(_ query: [Float], k: Int, skip: Int? = nil) -> [Int] {
    func norm(_ v: [Float]) -> Double { v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot() }
    let scored = rows.enumerated().filter { $0.offset != skip }.map { index, row in
      (index, zip(query, row).reduce(0) { $0 + Double($1.0) * Double($1.1) } / (norm(query) * norm(row)))
    }
    return scored.sorted { $0.1 > $1.1 }.prefix(k).map(\.0)
  }

  static func ivecs(_ rows: [[Int]]) -> Data {
    Data(rows.flatMap { row in le(Int32(row.count)) + row.flatMap { le(Int32($0)) } })
  }
}

final class RetrievalCLITests: XCTestCase {
  private func json(_ home: URL, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws
    -> [String: Any]
  {
    let result = try drp(home: home, arguments + ["--json"], file: file, line: line)
    XCTAssertEqual(
      result.status, 0, "drp \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
    return try XCTUnwrap(try result.json(file: file, line: line) as? [String: Any], file: file, line: line)
  }

  /// A home in `dir` whose index holds `base`, built from an .fvecs file.
  private func indexedHome(_ dir: TemporaryDirectory, _ base: VectorSet) throws -> URL {
    let home = dir.url.appendingPathComponent("home")
    try base.xvecs(bytes: false).write(to: URL(fileURLWithPath: dir.path("base.fvecs")))
    _ = try json(home, ["index", "build", "--vectors", dir.path("base.fvecs")])
    return home
  }

  private func ids(_ document: [String: Any]) -> [String] {
    ((document["neighbors"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
  }

  /// `results[i].neighbors[].id` of a `--vector-file --json` document, checking `query` numbers.
  private func resultIDs(_ document: [String: Any], file: StaticString = #filePath, line: UInt = #line) -> [[String]] {
    let results = (document["results"] as? [[String: Any]]) ?? []
    XCTAssertEqual(results.map { $0["query"] as? Int }, Array(0..<results.count), file: file, line: line)
    return results.map { (($0["neighbors"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } }
  }

  func testNeighborsOfEveryIdOfAVectorFileInEveryFormat() throws {
    let dir = try TemporaryDirectory()
    let base = VectorSet(count: 120, dimension: 12, seed: 1)
    let files: [(String, Data)] = [
      ("base.fvecs", base.xvecs(bytes: false)), ("base.bvecs", base.xvecs(bytes: true)), ("base.npy", base.npy()),
      ("base.jsonl", base.jsonl()),
    ]
    for (name, data) in files {
      let home = dir.url.appendingPathComponent("home-\(name)")
      try data.write(to: URL(fileURLWithPath: dir.path(name)))
      let built = try json(home, ["index", "build", "--vectors", dir.path(name)])
      XCTAssertEqual(built["count"] as? Int, 120, name)
      XCTAssertEqual(built["dimension"] as? Int, 12, name)
      // Every row is queryable by its row number, itself excluded.
      for row in [0, 1, 57, 119] {
        let expected = base.nearest(base.rows[row], k: 5, skip: row).map(String.init)
        XCTAssertEqual(ids(try json(home, ["neighbors", String(row), "-k", "5"])), expected, "\(name) row \(row)")
      }
      let text = try drp(home: home, ["neighbors", "7", "-k", "3"])
      XCTAssertEqual(
        text.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) },
        base.nearest(base.rows[7], k: 3, skip: 7).map(String.init))
    }
    // JSONL with ids: the ids are the names.
    let named = dir.url.appendingPathComponent("named")
    let names = (0..<120).map { "u\(1000 + $0)" }
    try base.jsonl(ids: names).write(to: URL(fileURLWithPath: dir.path("named.jsonl")))
    _ = try json(named, ["index", "build", "--vectors", dir.path("named.jsonl")])
    XCTAssertEqual(
      ids(try json(named, ["neighbors", "u1005", "-k", "4"])),
      base.nearest(base.rows[5], k: 4, skip: 5).map { names[$0] })
  }

  func testIdsMissingFromTheIndexSayWhetherTheStoreKnowsThem() throws {
    let dir = try TemporaryDirectory()
    let home = dir.url.appendingPathComponent("home")
    let sample = try json(home, ["sample", "--out", dir.path("sample"), "--users", "5"])
    let imported = try drp(home: home, ["import", try XCTUnwrap(sample["reviews_path"] as? String)])
    XCTAssertEqual(imported.status, 0, imported.stderr)
    try VectorSet(count: 30, dimension: 6, seed: 2).xvecs(bytes: false).write(
      to: URL(fileURLWithPath: dir.path("v.fvecs")))
    _ = try json(home, ["index", "build", "--vectors", dir.path("v.fvecs")])
    XCTAssertEqual(ids(try json(home, ["neighbors", "3", "-k", "2"])).count, 2)

    let storeOnly = try drp(home: home, ["neighbors", "SU0000001"])
    XCTAssertEqual(storeOnly.status, 1)
    XCTAssertTrue(
      storeOnly.stderr.contains(
        "user 'SU0000001' is in the store but not in the index (30 vectors, from file:v.fvecs)"),
      storeOnly.stderr)
    let nowhere = try drp(home: home, ["neighbors", "30"])
    XCTAssertEqual(nowhere.status, 1)
    XCTAssertTrue(
      nowhere.stderr.contains(
        "unknown user '30': neither the index (30 vectors, from file:v.fvecs) nor the store has this id"),
      nowhere.stderr)
    let usage = try drp(home: home, ["neighbors", "3", "--vector-file", dir.path("v.fvecs")])
    XCTAssertEqual(usage.status, 2)
    XCTAssertTrue(usage.stderr.contains("not both"), usage.stderr)
    XCTAssertEqual(try drp(home: home, ["neighbors", "3", "--ivecs", dir.path("x.ivecs")]).status, 2)
  }

  func testQueryFilesInEveryFormatGroundTruthAndRecall() throws {
    let dir = try TemporaryDirectory()
    let base = VectorSet(count: 400, dimension: 16, seed: 3)
    let home = try indexedHome(dir, base)
    let queries = VectorSet(count: 9, dimension: 16, seed: 4)
    let truth = queries.rows.map { base.nearest($0, k: 10) }
    let formats: [(String, Data)] = [
      ("q.npy", queries.npy()), ("q.fvecs", queries.xvecs(bytes: false)), ("q.bvecs", queries.xvecs(bytes: true)),
      ("q.jsonl", queries.jsonl()),
    ]
    for (name, data) in formats {
      try data.write(to: URL(fileURLWithPath: dir.path(name)))
      let document = try json(home, ["neighbors", "--vector-file", dir.path(name), "-k", "10"])
      XCTAssertEqual(resultIDs(document), truth.map { $0.map(String.init) }, name)
      let text = try drp(home: home, ["neighbors", "--vector-file", dir.path(name), "-k", "2"])
      XCTAssertEqual(text.status, 0, text.stderr)
      let lines = text.stdout.split(separator: "\n")
      XCTAssertEqual(lines.count, 9, name)
      XCTAssertEqual(lines[4].split(separator: "\t").first, "4")
      XCTAssertEqual(
        lines[4].split(separator: "\t").dropFirst().map { String($0.split(separator: ":")[0]) },
        truth[4].prefix(2).map(String.init))
    }
    // Ground truth written by drp, in the .ivecs layout, then recall on exact search is 1.
    let written = try drp(
      home: home, ["neighbors", "--vector-file", dir.path("q.fvecs"), "-k", "10", "--ivecs", dir.path("drp-gt.ivecs")])
    XCTAssertEqual(written.status, 0, written.stderr)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir.path("drp-gt.ivecs"))), VectorSet.ivecs(truth))
    try VectorSet.ivecs(truth).write(to: URL(fileURLWithPath: dir.path("gt.ivecs")))
    for query in ["q.fvecs", "q.npy", "q.bvecs", "q.jsonl"] {
      let report = try json(
        home, ["index", "eval", "--queries", dir.path(query), "--truth", dir.path("gt.ivecs"), "-k", "10"])
      XCTAssertEqual(report["k"] as? Int, 10)
      XCTAssertEqual(report["queries"] as? Int, 9)
      XCTAssertEqual(report["index_vectors"] as? Int, 400)
      let exact = try XCTUnwrap(report["float32"] as? [String: Any])
      XCTAssertEqual(exact["recall"] as? Double, 1.0, query)
      for variant in ["float32", "int8"] {
        let figures = try XCTUnwrap(report[variant] as? [String: Any])
        for key in ["single_p50_ms", "single_p99_ms", "batch_qps"] {
          XCTAssertGreaterThan(figures[key] as? Double ?? 0, 0, "\(variant) \(key)")
        }
        XCTAssertGreaterThanOrEqual(figures["recall"] as? Double ?? 0, 0.9, variant)
      }
    }
    // Recall counts misses: a truth file naming the wrong rows scores below 1.
    let shifted = truth.map { row in row.map { ($0 + 1) % 400 } }
    try VectorSet.ivecs(shifted).write(to: URL(fileURLWithPath: dir.path("wrong.ivecs")))
    let wrong = try json(home, ["index", "eval", "--queries", dir.path("q.fvecs"), "--truth", dir.path("wrong.ivecs")])
    XCTAssertLessThan((wrong["float32"] as? [String: Any])?["recall"] as? Double ?? 1, 0.5)
    let text = try drp(
      home: home, ["index", "eval", "--queries", dir.path("q.fvecs"), "--truth", dir.path("gt.ivecs"), "-k", "5"])
    XCTAssertTrue(text.stdout.contains("recall@5"), text.stdout)
    XCTAssertTrue(text.stdout.contains("float32  1.0000"), text.stdout)
  }

  func testLongQueryFilesReportProgressOnStderr() throws {
    let dir = try TemporaryDirectory()
    let home = try indexedHome(dir, VectorSet(count: 50, dimension: 4, seed: 5))
    try VectorSet(count: 1500, dimension: 4, seed: 6).xvecs(bytes: false).write(
      to: URL(fileURLWithPath: dir.path("q.fvecs")))
    let result = try drp(home: home, ["neighbors", "--vector-file", dir.path("q.fvecs"), "-k", "1", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stderr.contains("neighbors: 1024/1500 queries"), result.stderr)
    XCTAssertTrue(result.stderr.contains("neighbors: 1500/1500 queries"), result.stderr)
    XCTAssertEqual(resultIDs(try XCTUnwrap(try result.json() as? [String: Any])).count, 1500)
  }

  func testBadQueryAndTruthFilesGetClearErrors() throws {
    let dir = try TemporaryDirectory()
    let base = VectorSet(count: 40, dimension: 8, seed: 7)
    let home = try indexedHome(dir, base)
    let queries = VectorSet(count: 3, dimension: 8, seed: 8)
    try queries.xvecs(bytes: false).write(to: URL(fileURLWithPath: dir.path("q.fvecs")))
    let truth = queries.rows.map { base.nearest($0, k: 5) }
    try VectorSet.ivecs(truth).write(to: URL(fileURLWithPath: dir.path("gt.ivecs")))

    let good = queries.xvecs(bytes: false)
    let rowBytes = 4 + 8 * 4
    var badHeader = good
    badHeader.replaceSubrange(rowBytes..<(rowBytes + 4), with: [7, 0, 0, 0])
    let files: [(String, Data)] = [
      ("wrongdim.fvecs", VectorSet(count: 3, dimension: 6, seed: 9).xvecs(bytes: false)),
      ("header.fvecs", badHeader),
      ("cut.fvecs", good.prefix(good.count - 5)),
      ("zero.fvecs", Data([0, 0, 0, 0])),
      ("cut.bvecs", queries.xvecs(bytes: true).prefix(20)),
      ("short.ivecs", VectorSet.ivecs(Array(truth.prefix(2)))),
      ("range.ivecs", VectorSet.ivecs([truth[0], [1, 2, 40, 3, 4], truth[2]])),
      ("negative.ivecs", VectorSet.ivecs([truth[0], truth[1], [-1, 2, 3, 4, 5]])),
      ("cut.ivecs", VectorSet.ivecs(truth).prefix(50)),
      ("narrow.ivecs", VectorSet.ivecs(truth.map { Array($0.prefix(3)) })),
    ]
    for (name, data) in files { try data.write(to: URL(fileURLWithPath: dir.path(name))) }
    let cases: [([String], String)] = [
      (["--queries", dir.path("wrongdim.fvecs")], "the queries have dimension 6 but the index has 8"),
      (["--queries", dir.path("header.fvecs")], "row 1 has dimension header 7 but row 0 has 8"),
      (["--queries", dir.path("cut.fvecs")], "row 2 is truncated: 31 of its 36 bytes are present"),
      (["--queries", dir.path("zero.fvecs")], "row 0 has dimension header 0"),
      (["--queries", dir.path("cut.bvecs")], "row 1 is truncated"),
      (["--truth", dir.path("short.ivecs")], "has 2 rows but \(dir.path("q.fvecs")) has 3 queries"),
      (
        ["--truth", dir.path("range.ivecs")],
        "row 1 lists id 40, which the index (40 vectors) does not hold: ids out of range"
      ),
      (["--truth", dir.path("negative.ivecs")], "row 2 lists id -1"),
      (["--truth", dir.path("cut.ivecs")], "is truncated"),
      (["--truth", dir.path("narrow.ivecs")], "lists 3 neighbours per query; k = 5 needs at least 5"),
      (["--truth", dir.path("missing.ivecs")], "cannot be read"),
      (["--truth", dir.path("q.fvecs")], "ground truth must be an .ivecs file"),
    ]
    for (override, fragment) in cases {
      var options = ["--queries": dir.path("q.fvecs"), "--truth": dir.path("gt.ivecs")]
      options[override[0]] = override[1]
      let arguments = ["index", "eval", "-k", "5"] + options.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
      let result = try drp(home: home, arguments)
      XCTAssertEqual(result.status, 1, "\(override): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(fragment), "\(override): \(result.stderr)")
      XCTAssertTrue(result.stdout.isEmpty)
    }
    // The good files work, and the same bad query files fail `neighbors --vector-file` alike.
    XCTAssertEqual(
      try drp(
        home: home, ["index", "eval", "--queries", dir.path("q.fvecs"), "--truth", dir.path("gt.ivecs"), "-k", "5"]
      )
      .status, 0)
    let neighbors = try drp(home: home, ["neighbors", "--vector-file", dir.path("header.fvecs")])
    XCTAssertEqual(neighbors.status, 1)
    XCTAssertTrue(neighbors.stderr.contains("row 1 has dimension header 7"), neighbors.stderr)
    let wrongDimension = try drp(home: home, ["neighbors", "--vector-file", dir.path("wrongdim.fvecs")])
    XCTAssertTrue(wrongDimension.stderr.contains("dimension 6 but the index has 8"), wrongDimension.stderr)
    let zero = dir.path("zero.jsonl")
    try "{\"vector\":[0,0,0,0,0,0,0,0]}\n".write(toFile: zero, atomically: true, encoding: .utf8)
    let zeroQuery = try drp(home: home, ["neighbors", "--vector-file", zero])
    XCTAssertEqual(zeroQuery.status, 1)
    XCTAssertTrue(zeroQuery.stderr.contains("query 0"), zeroQuery.stderr)
    XCTAssertTrue(zeroQuery.stderr.contains("all zeros"), zeroQuery.stderr)
    let usage = try drp(home: home, ["index", "eval", "--queries", dir.path("q.fvecs")])
    XCTAssertEqual(usage.status, 2)
    XCTAssertEqual(try drp(home: home, ["index", "build", "--truth", dir.path("gt.ivecs")]).status, 2)
  }
}

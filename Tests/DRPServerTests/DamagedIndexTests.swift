import DRPCore
import DRPProtocol
import DRPServer
import DRPTestSupport
import Foundation
import Glibc
import XCTest

/// A damaged vector payload never answers silently: the CLI checksums small index files on
/// first use and range-checks every score, `drp serve` checksums the file at start and refuses
/// index requests (-32013) while serving the rest, and a damaged index is never saved again
/// with a fresh checksum.
final class DamagedIndexTests: XCTestCase {
  /// Overwrites every component of row 0 of `<home>/users.drpi` with `value`, in place.
  /// - Returns: the id of that row's user.
  @discardableResult
  private func damageFirstRow(_ home: URL, with value: Float) throws -> String {
    let path = home.appendingPathComponent("users.drpi").path
    let fd = open(path, O_RDWR)
    XCTAssertGreaterThanOrEqual(fd, 0)
    defer { close(fd) }
    var header = [UInt8](repeating: 0, count: 256)
    XCTAssertEqual(pread(fd, &header, 256, 0), 256)
    func field(_ offset: Int) -> Int {
      header.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) }
    }
    let dimension = field(16) & 0xFFFF_FFFF
    var ends = [UInt64](repeating: 0, count: 2)
    XCTAssertEqual(ends.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 16, off_t(field(40))) }, 16)
    var id = [UInt8](repeating: 0, count: Int(ends[1]))
    XCTAssertEqual(pread(fd, &id, id.count, off_t(field(48))), id.count)
    var row = [Float](repeating: value, count: dimension)
    XCTAssertEqual(row.withUnsafeMutableBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(field(88))) }, dimension * 4)
    return String(decoding: id, as: UTF8.self)
  }

  /// A user other than `damaged`.
  private func otherUser(_ serve: ServeProcess, than damaged: String) throws -> String {
    let listed = try serve.cli(["users", "list", "--limit", "3"]).stdout.split(separator: "\n").map {
      String($0.split(separator: "\t")[0])
    }
    return try XCTUnwrap(listed.first { $0 != damaged })
  }

  /// The CLI: a small file is checksummed on first use; with that turned off
  /// (`index.verify_max_bytes` 0) the impossible scores give the same damaged-index error,
  /// for 3e38 and for infinity; `drp index build` repairs it.
  func testCLIRefusesADamagedIndexAndIndexBuildRepairsIt() throws {
    let serve = try ServeProcess()
    XCTAssertEqual(serve.stop().status, 0)
    let noVerify = serve.directory.path("no-verify.json")
    try #"{"index": {"verify_max_bytes": 0}}"#.write(toFile: noVerify, atomically: true, encoding: .utf8)
    var user = ""
    for value in [Float(3e38), .infinity] {
      let damaged = try damageFirstRow(serve.home, with: value)
      user = try otherUser(serve, than: damaged)
      for extra in [[], ["--config", noVerify]] {
        for arguments in [
          ["neighbors", user, "-k", "200", "--json"], ["neighbors", damaged],
          ["peers", damaged, "--item", "SI000001", "--strategy", "nearest"],
        ] {
          let result = try drp(home: serve.home, extra + arguments)
          let label = "\(value) \(extra) \(arguments)"
          XCTAssertEqual(result.status, 1, "\(label): \(result.stdout.prefix(300))")
          XCTAssertTrue(result.stderr.contains("the user index is damaged"), "\(label): \(result.stderr)")
          XCTAssertTrue(result.stderr.contains("`drp index build`"), result.stderr)
        }
      }
      XCTAssertEqual(try drp(home: serve.home, ["users", "show", user]).status, 0, "store commands still work")
    }
    let rebuilt = try drp(home: serve.home, ["index", "build"])
    XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
    let after = try drp(home: serve.home, ["neighbors", user, "--json"])
    XCTAssertEqual(after.status, 0, after.stderr)
    for neighbor in (try after.json() as? [String: [[String: Any]]])?["neighbors"] ?? [] {
      XCTAssertLessThanOrEqual(abs(neighbor["score"] as? Double ?? 9), 1.001)
    }
  }

  /// `drp serve` on a damaged index: it starts, logs the damage, refuses index requests with
  /// -32013 (`damaged_index`), serves the others, and does not save the index at shutdown.
  func testServeRefusesIndexRequestsOfADamagedIndex() throws {
    let healthy = try ServeProcess()
    XCTAssertEqual(healthy.stop().status, 0)
    let user = try otherUser(healthy, than: try damageFirstRow(healthy.home, with: 3e38))
    // The same home, damaged, served again.
    let serve = try ServeProcess(home: healthy.home)
    XCTAssertTrue(serve.log.contains("the user index is damaged"), serve.log)
    let connection = try RawConnection(serve.tcp)
    for (number, (method, params)) in [
      ("neighbors", ["user": JSONValue.string(user)] as JSONValue),
      ("neighbors", ["vector": .array(Array(repeating: 1.0, count: 384))]),
      ("peers", ["user": .string(user), "item": "SI000001"]),
    ].enumerated() {
      let error = connection.call(method, params, id: .int(Int64(number)))?["error"]
      XCTAssertEqual(error?["code"], -32013, "\(method): \(String(describing: error))")
      XCTAssertEqual(error?["data"]?["kind"], "damaged_index")
      XCTAssertTrue(error?["message"]?.string?.contains("drp index build") == true, "\(String(describing: error))")
    }
    XCTAssertNotNil(connection.call("users.get", ["user": .string(user)], id: 10)?["result"])
    let added = connection.call(
      "reviews.add", ["user": .string(user), "item": "SI000002", "rating": 3, "text": "Still stored."], id: 11)
    XCTAssertEqual(added?["result"]?["duplicate"], false, "\(String(describing: added))")
    XCTAssertEqual(serve.stop().status, 0)
    XCTAssertTrue(serve.log.contains("index not saved at shutdown"), serve.log)
    let verify = try drp(home: serve.home, ["index", "info", "--verify"])
    XCTAssertEqual(verify.status, 1, "the damaged file was not given a fresh checksum: \(verify.stdout)")
  }

  /// `drp index build` from another process while the server refuses a damaged index: the
  /// server loads the new file and answers index requests again, without a restart.
  func testIndexBuildWhileServingRepairsIt() throws {
    let healthy = try ServeProcess()
    XCTAssertEqual(healthy.stop().status, 0)
    let user = try otherUser(healthy, than: try damageFirstRow(healthy.home, with: .infinity))
    let serve = try ServeProcess(home: healthy.home)
    let connection = try RawConnection(serve.unix)
    XCTAssertEqual(connection.call("neighbors", ["user": .string(user)], id: 1)?["error"]?["code"], -32013)
    let rebuilt = try serve.cli(["index", "build"])
    XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
    var reply: JSONValue?
    let deadline = ContinuousClock.now + .seconds(10)
    var id: Int64 = 2
    repeat {
      usleep(100_000)
      reply = connection.call("neighbors", ["user": .string(user), "k": 3], id: .int(id))
      id += 1
    } while reply?["result"] == nil && ContinuousClock.now < deadline
    XCTAssertEqual(reply?["result"]?["neighbors"]?.array?.count, 3, "\(String(describing: reply))")
    XCTAssertEqual(serve.stop().status, 0)
    XCTAssertEqual(try serve.cli(["index", "info", "--verify"]).status, 0)
  }

  /// Damage done to the file while the server runs (it is memory-mapped) is caught by the
  /// score and vector checks of the next request.
  func testDamageWhileServingIsCaughtByTheResultChecks() throws {
    for value in [Float(3e38), .infinity] {
      let serve = try ServeProcess()
      let connection = try RawConnection(serve.unix)
      XCTAssertEqual(connection.call("ping", id: 0)?["result"], ["pong": true])
      let user = try otherUser(serve, than: try damageFirstRow(serve.home, with: value))
      let full = connection.call("neighbors", ["user": .string(user), "k": 200], id: 2)
      let error = full?["error"]
      XCTAssertEqual(error?["code"], -32013, "\(value): \(String(describing: error))")
      XCTAssertTrue(error?["message"]?.string?.contains("damaged") == true, "\(String(describing: error))")
      XCTAssertEqual(
        connection.call("neighbors", ["user": .string(user)], id: 3)?["error"]?["code"], -32013,
        "once found, the damage is remembered")
      XCTAssertEqual(connection.call("ping", id: 4)?["result"], ["pong": true])
    }
  }
}

// A database that fails to read is reported as a failure, never as "absent".
import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import DRPService
import DRPTestSupport
import Foundation
import XCTest

@testable import DRPStore

final class StoreReadErrorTests: XCTestCase {
  /// Overwrites the root page of `table` in the home's database with garbage (after moving every
  /// page out of the WAL), so reading that table fails with SQLITE_CORRUPT.
  private func corrupt(_ table: String, in home: URL) throws {
    let path = ReviewStore.path(home: home.path)
    let (root, pageSize): (Int64, Int64) = try {
      let store = try ReviewStore(path: path)
      try store.withWriter { try $0.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
      return try store.read { db in
        (try db.scalar("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]), try db.scalar("PRAGMA page_size"))
      }
    }()
    XCTAssertGreaterThan(root, 1)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seek(toOffset: UInt64((root - 1) * pageSize))
    try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(pageSize)))
    try handle.close()
  }

  func testCorruptUsersTableIsAnErrorInTheCLIAndOverTheSocket() throws {
    let dir = try TemporaryDirectory()
    let home = try SampleHome.copy(into: dir)
    let user = try XCTUnwrap(
      try drp(home: home, ["users", "list", "--limit", "1"]).stdout.split(separator: "\t").first.map(String.init))
    XCTAssertEqual(try drp(home: home, ["users", "show", "nobody"]).stderr, "drp: error: no user 'nobody'\n")
    try corrupt("users", in: home)

    for id in [user, "nobody"] {
      let shown = try drp(home: home, ["users", "show", id])
      XCTAssertEqual(shown.status, 1, shown.stderr)
      XCTAssertTrue(shown.stderr.contains("malformed"), shown.stderr)
      XCTAssertFalse(shown.stderr.contains("no user"), "a read failure is not an unknown user: \(shown.stderr)")
    }

    let serve = try ServeProcess(home: home)
    let connection = try RawConnection(serve.unix)
    let reply = try XCTUnwrap(connection.call("users.get", ["user": .string(user)]))
    XCTAssertNil(reply["result"])
    XCTAssertNotEqual(reply["error"]?["code"], .int(Int64(AppErrorCode.notFound)), "\(reply)")
    XCTAssertTrue(reply["error"]?["message"]?.string?.contains("malformed") == true, "\(reply)")
    XCTAssertEqual(connection.call("ping", id: 2)?["result"], ["pong": true], "the server keeps serving")
    XCTAssertEqual(serve.stop().status, 0, serve.log)
  }
}

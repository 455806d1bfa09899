import CSQLite
import DRPTestSupport
import XCTest

@testable import DRPStore

/// Process-wide SQLite settings: memory statistics are off before the first connection opens, so
/// SQLite's allocations take no process-wide lock.
final class SQLiteSettingsTests: XCTestCase {
  func testMemoryStatisticsAreOff() throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    try store.addReview(
      Review(
        userID: "u1", itemID: "i1", rating: 4, title: "t", text: String(repeating: "long text ", count: 500),
        timestamp: 1, helpfulVotes: 0, verified: true))
    XCTAssertEqual(try store.reviews(ofUser: "u1").count, 1)
    XCTAssertEqual(SQLiteConnection.processSettings, SQLITE_OK, "sqlite3_config was called before initialisation")
    XCTAssertEqual(sqlite3_memory_used(), 0, "SQLite counts its allocations: the statistics are on")
  }
}

import DRPCore
import DRPStore
import DRPTestSupport
import XCTest

@testable import DRPEngine

/// Reply-cache writes with group commit: every entry is committed before `put` returns, entries
/// put at the same time share transactions, and a later value of a key replaces an earlier one.
final class ReplyCacheWriterTests: XCTestCase {
  func testConcurrentPutsShareTransactionsAndAllLand() async throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    let writer = ReplyCacheWriter(store: store, pool: BlockingPool(name: "test-cache", threads: 4))
    await withTaskGroup(of: Void.self) { group in
      for index in 0..<300 { group.addTask { await writer.put("key-\(index)", "value-\(index)") } }
    }
    for index in 0..<300 { XCTAssertEqual(try store.cachedReply("key-\(index)"), "value-\(index)") }
    XCTAssertLessThan(writer.transactions, 300, "concurrent entries share transactions")
    XCTAssertGreaterThanOrEqual(writer.transactions, 1)
  }

  func testAnEntryIsReadableWhenPutReturnsAndLaterValuesWin() async throws {
    let dir = try TemporaryDirectory()
    let store = try ReviewStore(home: dir.path("home"))
    let writer = ReplyCacheWriter(store: store, pool: BlockingPool(name: "test-cache", threads: 2))
    await writer.put("k", "first")
    XCTAssertEqual(writer.transactions, 1, "alone, an entry is written at once")
    let other = try ReviewStore(home: dir.path("home"))  // as another process would read it
    XCTAssertEqual(try other.cachedReply("k"), "first")
    await writer.put("k", "second")
    XCTAssertEqual(try other.cachedReply("k"), "second")
    try store.cacheReplies([("a", "1"), ("a", "2"), ("b", "3")])
    XCTAssertEqual(try other.cachedReply("a"), "2", "in one transaction the later entry of a key wins")
    XCTAssertEqual(try other.cachedReply("b"), "3")
  }
}

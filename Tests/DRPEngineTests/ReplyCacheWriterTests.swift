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

  /// The engine's reply cache has threads of its own: with every blocking thread held by long
  /// jobs (as peer choices and key samples of many requests hold them under load), a look-up and a
  /// write still finish at once instead of queueing behind them.
  func testTheEnginesCacheDoesNotWaitBehindBlockingJobs() async throws {
    let dir = try TemporaryDirectory()
    let engine = try Engine(home: dir.path("home"), config: DRPConfig())
    let release = DispatchSemaphore(value: 0)
    let held = engine.blocking.threads + 2  // every thread busy, and jobs queued behind them
    for _ in 0..<held { engine.blocking.start { _ = release.wait(timeout: .now() + 10) } }
    defer { for _ in 0..<held { release.signal() } }
    let cache = engine.replyCache
    let start = Date()
    await cache.put("key", "value")
    let value = try await cache.get("key")
    XCTAssertEqual(value, "value")
    XCTAssertLessThan(Date().timeIntervalSince(start), 2, "the cache waited for the blocking threads")
  }
}

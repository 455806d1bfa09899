import DRPCore
import Foundation
import Synchronization
import XCTest

final class BlockingPoolTests: XCTestCase {
  /// Jobs run concurrently up to the thread count, threads are reused, and with an idle timeout
  /// the threads end once idle and the pool starts new ones for later jobs.
  func testThreadsAreReusedAndEndAfterTheIdleTimeout() async throws {
    let pool = BlockingPool(name: "test-idle", threads: 8, idleTimeout: 0.2)
    let running = InFlight()
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<8 {
        group.addTask {
          try await pool.run {
            running.enter()
            Thread.sleep(forTimeInterval: 0.05)
            running.leave()
          }
        }
      }
      try await group.waitForAll()
    }
    XCTAssertEqual(running.peak, 8, "8 jobs on 8 threads run at once")
    XCTAssertEqual(pool.liveThreads, 8)
    // Sequential jobs reuse one idle thread instead of starting new ones.
    for _ in 0..<20 { try await pool.run {} }
    XCTAssertEqual(pool.liveThreads, 8)
    // Idle for longer than the timeout: every thread ends (bounded wait).
    let deadline = Date().addingTimeInterval(5)
    while pool.liveThreads > 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    XCTAssertEqual(pool.liveThreads, 0, "idle threads ended")
    // The pool still serves, on a new thread.
    let value = try await pool.run { 42 }
    XCTAssertEqual(value, 42)
    XCTAssertEqual(pool.liveThreads, 1)
    pool.shutdown()
  }

  /// Without an idle timeout threads stay; `start` runs a job without waiting for it.
  func testStartRunsWithoutWaitingAndThreadsStayWithoutTimeout() throws {
    let pool = BlockingPool(name: "test-start", threads: 2)
    let done = DispatchSemaphore(value: 0)
    pool.start { done.signal() }
    XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
    Thread.sleep(forTimeInterval: 0.3)
    XCTAssertEqual(pool.liveThreads, 1)
    pool.shutdown()
  }

  /// The pool's threads carry their name for the kernel (`ps -L`, `top -H`, `perf`), cut to its
  /// 15 bytes, instead of the name of the thread that started them.
  func testThreadsAreNamedForTheKernel() async throws {
    #if os(Linux)
      let pool = BlockingPool(name: "test-named-pool-long", threads: 1)
      let name = try await pool.run {
        try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8).trimmingCharacters(in: .newlines)
      }
      XCTAssertEqual(name, "test-named-pool")
      pool.shutdown()
    #endif
  }
}

/// Jobs running now and the most seen at once.
private final class InFlight: Sendable {
  private let counts = Mutex((now: 0, peak: 0))

  var peak: Int { counts.withLock { $0.peak } }

  func enter() {
    counts.withLock {
      $0.now += 1
      $0.peak = max($0.peak, $0.now)
    }
  }

  func leave() { counts.withLock { $0.now -= 1 } }
}

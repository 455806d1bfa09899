import XCTest

@testable import DRPOpenAI

/// The async semaphore behind the client's concurrency limit.
final class AsyncSemaphoreTests: XCTestCase {
  func testCancelledWaiterLeavesTheQueueAndPermitsSurvive() async throws {
    let semaphore = AsyncSemaphore(permits: 1)
    try await semaphore.acquire()
    let waiter = Task { try await semaphore.acquire() }
    try await Task.sleep(nanoseconds: 100_000_000)
    waiter.cancel()
    let result = await waiter.result
    guard case .failure(let error) = result else { return XCTFail("a cancelled waiter must throw") }
    XCTAssertEqual(error as? OpenAIError, .cancelled)
    semaphore.release()
    // The cancelled waiter must not have taken the released permit.
    let acquired = OrderLog()
    let next = Task {
      try await semaphore.acquire()
      acquired.append(1)
    }
    let deadline = Date().addingTimeInterval(2)
    while acquired.values.isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
    XCTAssertEqual(acquired.values, [1], "the released permit was lost to the cancelled waiter")
    next.cancel()
  }

  func testReleaseWakesWaitersInOrder() async throws {
    let semaphore = AsyncSemaphore(permits: 1)
    try await semaphore.acquire()
    let order = OrderLog()
    let first = Task {
      try await semaphore.acquire()
      order.append(1)
      semaphore.release()
    }
    try await Task.sleep(nanoseconds: 50_000_000)
    let second = Task {
      try await semaphore.acquire()
      order.append(2)
      semaphore.release()
    }
    try await Task.sleep(nanoseconds: 50_000_000)
    XCTAssertEqual(order.values, [], "no permit is free yet")
    semaphore.release()
    try await first.value
    try await second.value
    XCTAssertEqual(order.values, [1, 2])
  }
}

/// A thread-safe list of integers.
private final class OrderLog: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [Int] = []
  var values: [Int] { lock.withLock { list } }
  func append(_ value: Int) { lock.withLock { list.append(value) } }
}

// A bounded hand-off between one producer thread and one consumer.
import Foundation

/// A bounded FIFO between one producer thread and one consumer: `put` blocks while `capacity`
/// elements wait, `take` blocks while none do. `close` wakes both sides and makes `put` fail, so a
/// consumer that gives up stops its producer.
final class BatchPipe<Element>: @unchecked Sendable {  // @unchecked: the queue is guarded by `condition`
  private let condition = NSCondition()
  private var queue: [Element] = []
  private let capacity: Int
  private var closed = false

  init(capacity: Int) {
    self.capacity = max(1, capacity)
  }

  /// Appends `element`, waiting for room. Returns false (dropping it) once the pipe is closed.
  func put(_ element: Element) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while queue.count >= capacity && !closed { condition.wait() }
    guard !closed else { return false }
    queue.append(element)
    condition.broadcast()
    return true
  }

  /// The oldest element, waiting for one; nil once the pipe is closed and empty.
  func take() -> Element? {
    condition.lock()
    defer { condition.unlock() }
    while queue.isEmpty && !closed { condition.wait() }
    guard !queue.isEmpty else { return nil }
    condition.broadcast()
    return queue.removeFirst()
  }

  /// Closes the pipe: pending and later `put`s return false, `take` drains then returns nil.
  func close() {
    condition.lock()
    closed = true
    condition.broadcast()
    condition.unlock()
  }
}

import Foundation

/// A counting semaphore for async code: waiters suspend (no thread is blocked) and a cancelled
/// waiter leaves the queue with `OpenAIError.cancelled`.
final class AsyncSemaphore: @unchecked Sendable {  // @unchecked: count and waiters guarded by `lock`
  private struct Waiter {
    let id: UInt64
    let continuation: CheckedContinuation<Void, any Error>
  }

  private let lock = NSLock()
  private let permits: Int
  private var available: Int
  private var waiters: [Waiter] = []
  private var nextID: UInt64 = 0

  /// Creates a semaphore with `permits` (at least 1) permits.
  init(permits: Int) {
    self.permits = max(1, permits)
    available = self.permits
  }

  /// Permits currently held.
  var inUse: Int { lock.withLock { permits - available } }

  /// Waits for a permit; throws `OpenAIError.cancelled` if the task is cancelled while waiting.
  func acquire() async throws(OpenAIError) {
    let id: UInt64? = lock.withLock {
      if available > 0 {
        available -= 1
        return nil
      }
      nextID += 1
      return nextID
    }
    guard let id else { return }
    do {
      try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
          let cancelled: Bool = lock.withLock {
            if Task.isCancelled { return true }
            waiters.append(Waiter(id: id, continuation: continuation))
            return false
          }
          if cancelled { continuation.resume(throwing: OpenAIError.cancelled) }
        }
      } onCancel: {
        let waiter: Waiter? = lock.withLock {
          guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
          return waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: OpenAIError.cancelled)
      }
    } catch {
      throw .cancelled
    }
  }

  /// Returns a permit, waking the longest waiter if any.
  func release() {
    let waiter: Waiter? = lock.withLock {
      if waiters.isEmpty {
        available += 1
        return nil
      }
      return waiters.removeFirst()
    }
    waiter?.continuation.resume()
  }
}

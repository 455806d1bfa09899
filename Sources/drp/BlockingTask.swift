import Dispatch
import Synchronization

/// Runs async engine operations from a command's synchronous `run` (the main thread, never a
/// Swift-concurrency pool thread, so blocking it cannot starve the pool).
enum BlockingTask {
  /// Starts `operation` in a task and waits for its result.
  static func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
      let result: Result<T, any Error>
      do { result = .success(try await operation()) } catch { result = .failure(error) }
      outcome.withLock { $0 = result }
      done.signal()
    }
    done.wait()
    return try outcome.withLock { $0! }.get()
  }
}

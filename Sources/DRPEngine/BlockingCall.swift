// Running async work from synchronous engine code (the CLI's main thread, server worker threads).
import Dispatch
import Synchronization

/// Runs async work to completion on the calling thread.
enum BlockingCall {
  /// Starts `operation` in a task and blocks the calling thread until it finishes. Never call it
  /// from a Swift-concurrency pool thread: the pool has one thread per core and may deadlock.
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

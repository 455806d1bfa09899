// A fixed set of threads running short CPU-bound jobs off the event loop.
import Foundation
import Synchronization

/// Runs submitted jobs in FIFO order on a fixed number of dedicated threads (not the Swift
/// concurrency pool, so blocking or CPU-heavy jobs cannot starve async work or the event loop).
final class WorkerPool: Sendable {
  private let state = Mutex<(jobs: [@Sendable () -> Void], head: Int, stopping: Bool)>(([], 0, false))
  private let available = DispatchSemaphore(value: 0)
  private let finished = DispatchGroup()
  private let threadCount: Int

  /// Starts `threads` worker threads named `name-N`.
  init(threads: Int, name: String) {
    threadCount = max(1, threads)
    for number in 0..<threadCount {
      finished.enter()
      let thread = Thread { [self] in work() }
      thread.name = "\(name)-\(number)"
      thread.start()
    }
  }

  /// Queues `job`. Returns false (and drops it) once `stop()` was called.
  @discardableResult
  func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
    let accepted = state.withLock { state in
      if !state.stopping { state.jobs.append(job) }
      return !state.stopping
    }
    if accepted { available.signal() }
    return accepted
  }

  /// Runs the jobs already queued, then ends every thread; blocks until they have ended.
  func stop() {
    let first = state.withLock { state in
      defer { state.stopping = true }
      return !state.stopping
    }
    guard first else { return }
    for _ in 0..<threadCount { available.signal() }
    finished.wait()
  }

  private func work() {
    while true {
      available.wait()
      let job = state.withLock { state -> (@Sendable () -> Void)? in
        guard state.head < state.jobs.count else { return nil }
        let job = state.jobs[state.head]
        state.head += 1
        if state.head == state.jobs.count {
          state.jobs.removeAll(keepingCapacity: true)
          state.head = 0
        }
        return job
      }
      guard let job else { break }
      job()
    }
    finished.leave()
  }
}

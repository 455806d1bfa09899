import Dispatch
import Synchronization

/// Runs blocking, CPU-bound work on all cores with `DispatchQueue.concurrentPerform` (not Swift
/// concurrency Tasks, whose cooperative pool must not be blocked).
enum Parallel {
  private struct UncheckedBox<T>: @unchecked Sendable { let value: T }

  /// The next chunk to hand out.
  private final class ChunkCounter: Sendable {
    let next = Atomic<Int>(0)
  }

  /// Calls `body(i)` for i in 0..<iterations concurrently and returns when all are done. The caller
  /// guarantees that iterations touch disjoint state.
  static func run(_ iterations: Int, _ body: (Int) -> Void) {
    if iterations == 1 { return body(0) }
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedBox(value: escapable)
      DispatchQueue.concurrentPerform(iterations: iterations) { box.value($0) }
    }
  }

  /// Calls `body(thread, chunk)` for every chunk in 0..<chunks on `threads` threads, each thread
  /// claiming the next unclaimed chunk when it is done with one (in increasing order): when
  /// another process takes a core, the other threads do more chunks instead of everyone waiting
  /// for a fixed share. `body` may keep per-thread state indexed by `thread`.
  static func chunks(_ chunks: Int, threads: Int, _ body: (_ thread: Int, _ chunk: Int) -> Void) {
    let threads = max(1, min(threads, chunks))
    if threads == 1 {
      for chunk in 0..<chunks { body(0, chunk) }
      return
    }
    let counter = ChunkCounter()
    run(threads) { thread in
      while true {
        let chunk = counter.next.wrappingAdd(1, ordering: .relaxed).oldValue
        guard chunk < chunks else { return }
        body(thread, chunk)
      }
    }
  }
}

import Dispatch

/// Runs blocking, CPU-bound work on all cores with `DispatchQueue.concurrentPerform` (not Swift
/// concurrency Tasks, whose cooperative pool must not be blocked).
enum Parallel {
  private struct UncheckedBox<T>: @unchecked Sendable { let value: T }

  /// Calls `body(i)` for i in 0..<iterations concurrently and returns when all are done. The caller
  /// guarantees that iterations touch disjoint state.
  static func run(_ iterations: Int, _ body: (Int) -> Void) {
    if iterations == 1 { return body(0) }
    withoutActuallyEscaping(body) { escapable in
      let box = UncheckedBox(value: escapable)
      DispatchQueue.concurrentPerform(iterations: iterations) { box.value($0) }
    }
  }
}

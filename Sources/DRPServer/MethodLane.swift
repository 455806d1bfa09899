// Where a method's handler runs.

/// The execution lane of a registered method.
public enum MethodLane: Sendable {
  /// Trivial synchronous work run directly on the event loop (microseconds, no I/O, no locks
  /// that long work may hold). Anything heavier belongs on `.index`.
  case inline
  /// Quick CPU-bound work (index queries, counts, small store reads) run on a small fixed pool
  /// of worker threads (`ServerLimits.indexThreads`): it never blocks the event loop and never
  /// waits behind background (LLM) work. May block briefly; cannot stream progress.
  case index
  /// Long work (LLM calls) run as a Swift Task, at most `maxConcurrentBackground` at once;
  /// cancellable and able to stream progress. Must not do blocking I/O.
  case background
}

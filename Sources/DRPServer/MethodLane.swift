// Where a method's handler runs.

/// The execution lane of a registered method.
public enum MethodLane: Sendable {
  /// Cheap synchronous work run directly on the event loop (ping, index queries, stats): never
  /// queued behind long work. Must not block or take more than a few milliseconds.
  case inline
  /// Long work (LLM calls) run as a Swift Task, at most `maxConcurrentBackground` at once;
  /// cancellable and able to stream progress. Must not do blocking I/O.
  case background
}

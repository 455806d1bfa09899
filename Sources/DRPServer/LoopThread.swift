// Which thread runs the event loop, and the debug-build check of loop confinement.
import Glibc
import Synchronization

/// The thread an event loop runs on. State only the loop may touch (`ServerCore`'s connections,
/// queues and counters, `LaneScheduler`, `Connection`) is guarded by `check()` at every entry
/// point: in debug builds a call from any other thread is reported (by default a failed
/// assertion, which stops the process); in release builds the check compiles to nothing.
final class LoopThread: Sendable {
  /// `pthread_self()` of the loop thread (0: not bound yet).
  private let owner = Atomic<UInt>(0)
  private let onViolation: @Sendable (StaticString) -> Void

  /// - Parameter onViolation: told the function a wrong thread entered (debug builds only);
  ///   by default a failed assertion. Tests pass a recorder.
  init(
    onViolation: @escaping @Sendable (StaticString) -> Void = { function in
      assertionFailure("\(function) runs only on the event loop thread")
    }
  ) {
    self.onViolation = onViolation
  }

  /// Makes the calling thread the loop thread (the loop calls it first thing).
  func bindToCurrentThread() { owner.store(UInt(pthread_self()), ordering: .relaxed) }

  /// True on the loop thread.
  var isCurrent: Bool { owner.load(ordering: .relaxed) == UInt(pthread_self()) }

  /// In debug builds, reports `function` unless called on the loop thread; nothing in release builds.
  @inline(__always)
  func check(_ function: StaticString = #function) {
    #if DEBUG
      if !isCurrent { onViolation(function) }
    #endif
  }
}

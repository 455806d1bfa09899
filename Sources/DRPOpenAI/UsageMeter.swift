import Foundation

/// Thread-safe running totals of a client's successful calls and the tokens they used.
public final class UsageMeter: @unchecked Sendable {
  /// A consistent copy of the totals.
  public struct Totals: Sendable, Equatable {
    /// Successful calls (chat, streams, embedding batches).
    public var calls = 0
    /// Prompt tokens over all calls that reported usage.
    public var promptTokens = 0
    /// Completion tokens over all calls that reported usage.
    public var completionTokens = 0
    /// Calls that failed after all retries.
    public var failures = 0
  }

  private let lock = NSLock()
  private var totals = Totals()

  /// Creates a meter at zero.
  public init() {}

  /// The totals so far.
  public var snapshot: Totals { lock.withLock { totals } }

  /// Records a successful call and its usage, if reported.
  func recordSuccess(_ usage: TokenUsage?) {
    lock.withLock {
      totals.calls += 1
      totals.promptTokens += usage?.promptTokens ?? 0
      totals.completionTokens += usage?.completionTokens ?? 0
    }
  }

  /// Records a call that failed for good.
  func recordFailure() { lock.withLock { totals.failures += 1 } }
}

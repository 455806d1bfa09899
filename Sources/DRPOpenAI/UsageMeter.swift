import Foundation
import Synchronization

/// Thread-safe running totals of a client's successful calls and the tokens they used.
public final class UsageMeter: Sendable {
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

  private let totals = Mutex(Totals())

  /// Creates a meter at zero.
  public init() {}

  /// The totals so far.
  public var snapshot: Totals { totals.withLock { $0 } }

  /// Records a successful call and its usage, if reported.
  func recordSuccess(_ usage: TokenUsage?) {
    totals.withLock {
      $0.calls += 1
      $0.promptTokens += usage?.promptTokens ?? 0
      $0.completionTokens += usage?.completionTokens ?? 0
    }
  }

  /// Records a call that failed for good.
  func recordFailure() { totals.withLock { $0.failures += 1 } }
}

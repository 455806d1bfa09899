import Foundation
import Synchronization

/// An in-memory `LLMCache` (for one process: tests, one-off runs).
public final class MemoryLLMCache: LLMCache, Sendable {
  private let values = Mutex<[String: String]>([:])

  /// An empty cache.
  public init() {}

  /// The value stored under `key`, or nil.
  public func get(_ key: String) async -> String? { values.withLock { $0[key] } }

  /// Stores `value` under `key`.
  public func put(_ key: String, _ value: String) async { values.withLock { $0[key] = value } }
}

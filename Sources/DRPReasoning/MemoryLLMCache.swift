import Foundation

/// An in-memory `LLMCache` (for one process: tests, one-off runs).
public final class MemoryLLMCache: LLMCache, @unchecked Sendable {
  private let lock = NSLock()
  private var values: [String: String] = [:]

  /// An empty cache.
  public init() {}

  /// The value stored under `key`, or nil.
  public func get(_ key: String) async -> String? { lock.withLock { values[key] } }

  /// Stores `value` under `key`.
  public func put(_ key: String, _ value: String) async { lock.withLock { values[key] = value } }
}

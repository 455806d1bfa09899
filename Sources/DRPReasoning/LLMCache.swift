import Foundation

/// Stores LLM replies by key so that re-running a pipeline on the same inputs costs no calls.
/// Keys come from `LLMCacheKey`; values are opaque text (the caller's JSON encoding of a reply).
///
/// Both calls are async so that a cache backed by a database runs its queries off the
/// Swift-concurrency pool (the engine's cache hops to its blocking threads).
public protocol LLMCache: Sendable {
  /// The value stored under `key`, or nil when there is none.
  /// - Throws: when the cache cannot be read (a failure is not a miss).
  func get(_ key: String) async throws -> String?
  /// Stores `value` under `key`, replacing any previous value. A failure to store only costs a
  /// later miss, so it is not reported.
  func put(_ key: String, _ value: String) async
}

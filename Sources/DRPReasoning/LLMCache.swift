import Foundation

/// Stores LLM replies by key so that re-running a pipeline on the same inputs costs no calls.
/// Keys come from `LLMCacheKey`; values are opaque text (the caller's JSON encoding of a reply).
public protocol LLMCache: Sendable {
  /// The value stored under `key`, or nil.
  func get(_ key: String) -> String?
  /// Stores `value` under `key`, replacing any previous value. Failures to store are not fatal.
  func put(_ key: String, _ value: String)
}

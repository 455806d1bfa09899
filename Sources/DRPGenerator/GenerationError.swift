import Foundation

/// Review generation failed: every attempt of the generation call was rejected.
public struct GenerationError: Error, Equatable, CustomStringConvertible {
  /// Why each attempt failed, in order.
  public var reasons: [String]

  /// Creates an error.
  public init(reasons: [String]) { self.reasons = reasons }

  /// A sentence naming the last reason.
  public var description: String {
    "the model gave no usable review after \(reasons.count) attempt(s); last problem: \(reasons.last ?? "unknown")"
  }
}

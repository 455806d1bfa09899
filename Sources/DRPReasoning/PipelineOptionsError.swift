import Foundation

/// A pipeline option with a wrong type or value.
public struct PipelineOptionsError: Error, Equatable, CustomStringConvertible {
  /// The JSON key of the option.
  public var field: String
  /// What is wrong with it.
  public var problem: String

  /// Creates an error.
  public init(field: String, problem: String) {
    self.field = field
    self.problem = problem
  }

  /// `option 'samples': expected an integer in 1...16`.
  public var description: String { "option '\(field)': \(problem)" }
}

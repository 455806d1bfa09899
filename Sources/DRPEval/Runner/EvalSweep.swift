// `drp eval --sweep KNOB=V1,V2,...`: one evaluation per value of one pipeline knob.
import DRPCore
import DRPReasoning

/// One knob of the pipeline and the values an inference-scaling sweep gives it, in order.
public struct EvalSweep: Sendable, Equatable {
  /// The knobs a sweep can vary (flag name → `PipelineOptions` JSON key, integer or not).
  public static let knobs: [(name: String, key: String, integer: Bool)] = [
    ("thinking-budget", "thinking_budget", true), ("samples", "samples", true),
    ("key-samples", "key_samples", true), ("peers", "peers", true), ("extractor-model", "extractor_model", false),
  ]

  /// The knob's flag name (`thinking-budget`, ...).
  public var knob: String
  /// Its values, in the order given.
  public var values: [String]

  /// Parses `KNOB=V1,V2,...` (the knob by flag name or JSON key: `thinking-budget`, `thinking_budget`).
  /// - Throws: ``EvalError/invalidSweep(_:)`` for an unknown knob, no value, a repeated value, or a
  ///   value the knob cannot take.
  public init(spec: String) throws {
    guard let equals = spec.firstIndex(of: "=") else {
      throw EvalError.invalidSweep("--sweep expects KNOB=V1,V2,... (got '\(spec)')")
    }
    let name = spec[..<equals].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "-")
    guard let knob = Self.knobs.first(where: { $0.name == name }) else {
      throw EvalError.invalidSweep(
        "--sweep: unknown knob '\(name)' (use one of: \(Self.knobs.map(\.name).joined(separator: ", ")))")
    }
    let values = spec[spec.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
      .map { $0.trimmingCharacters(in: .whitespaces) }
    guard !values.isEmpty, !values.contains(where: \.isEmpty) else {
      throw EvalError.invalidSweep("--sweep \(name): empty value in '\(spec)'")
    }
    guard Set(values).count == values.count else {
      throw EvalError.invalidSweep("--sweep \(name): a value is repeated in '\(spec)'")
    }
    self.knob = knob.name
    self.values = values
    for value in values { _ = try apply(value, to: PipelineOptions()) }
  }

  /// `options` with the knob set to `value`.
  /// - Throws: ``EvalError/invalidSweep(_:)`` when the knob cannot take `value`.
  public func apply(_ value: String, to options: PipelineOptions) throws -> PipelineOptions {
    guard let knob = Self.knobs.first(where: { $0.name == self.knob }) else {
      throw EvalError.invalidSweep("--sweep: unknown knob '\(self.knob)'")
    }
    let json: JSONValue
    if knob.integer {
      guard let number = Int64(value) else {
        throw EvalError.invalidSweep("--sweep \(knob.name): '\(value)' is not an integer")
      }
      json = .int(number)
    } else {
      json = .string(value)
    }
    do {
      return try options.applying([knob.key: json])
    } catch let error as PipelineOptionsError {
      throw EvalError.invalidSweep("--sweep \(knob.name): \(error)")
    }
  }
}

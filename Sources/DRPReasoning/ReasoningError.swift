import Foundation

/// Errors of the reasoning layer, with messages a user understands.
public enum ReasoningError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The model opened a `<think>` block and never closed it: it ran out of tokens while reasoning.
  case truncatedReasoning
  /// The model produced no answer after its reasoning (or nothing at all).
  case emptyAnswer
  /// The answer contained neither JSON dimensions nor the `--- [Name] Definition: … ---` format.
  case unparseable(String)
  /// A prompt template file is missing or malformed.
  case template(String)

  /// A human-readable message.
  public var description: String {
    switch self {
    case .truncatedReasoning:
      return
        "the model's reasoning was cut off before it gave an answer (unterminated <think>); retry with a larger token limit"
    case .emptyAnswer: return "the model returned an empty answer"
    case .unparseable(let excerpt): return "could not find any difference dimensions in the model output: \(excerpt)"
    case .template(let message): return "prompt template error: \(message)"
    }
  }
}

import DRPCore
import DRPOpenAI
import Foundation

/// The server refused the `response_format` a reasoning call carried: a setting to change, not a
/// failed call, so the pipeline stops with this message instead of recording one failure per call.
public struct StructuredOutputError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The format type sent: `json_schema` or `json_object` (the `reasoner.structured_output` value).
  public var setting: String
  /// The URL that refused it.
  public var url: String
  /// The server's explanation (its `error.message`, or the HTTP status and message).
  public var serverMessage: String

  /// Creates an error.
  public init(setting: String, url: String, serverMessage: String) {
    self.setting = setting
    self.url = url
    self.serverMessage = serverMessage
  }

  /// `reasoner.structured_output=json_schema was rejected by URL: MESSAGE; set it to none …`.
  public var description: String {
    "reasoner.structured_output=\(setting) was rejected by \(url): \(serverMessage); set it to none"
      + (setting == StructuredOutput.jsonSchema.rawValue ? " (or json_object)" : "")
      + " (config reasoner.structured_output, DRP_REASONER_STRUCTURED_OUTPUT, --structured-output"
      + " or the structured_output request parameter)"
  }

  /// The rejection hidden in a failed call, or nil when `error` is another failure.
  ///
  /// With a `format` sent, an HTTP 400 or 422 counts as a rejection — servers word it in many
  /// ways — unless its message is about the context size (a prompt too long for the model), and
  /// so does any HTTP or stream error whose message names `response_format`, `json_schema`,
  /// `json_object`, a schema or a grammar. Retried failures are judged by their last attempt.
  /// - Parameters:
  ///   - error: what the call threw.
  ///   - format: the `response_format` the call sent (nil: never a rejection).
  public static func rejection(in error: any Error, format: ResponseFormat?) -> StructuredOutputError? {
    guard let format, var failure = error as? OpenAIError else { return nil }
    if case .retriesExhausted(_, let last) = failure { failure = last }
    let status: Int?
    let message: String
    let url: String
    switch failure {
    case .http(let code, let text, let at):
      (status, message, url) = (code, text, at)
    case .streamError(let text, let at):
      (status, message, url) = (nil, text, at)
    default:
      return nil
    }
    let lower = message.lowercased()
    let namesFormat = ["response_format", "json_schema", "json_object", "schema", "grammar"].contains {
      lower.contains($0)
    }
    let aboutContext = lower.contains("context") && ["size", "length", "window"].contains { lower.contains($0) }
    guard namesFormat || ((status == 400 || status == 422) && !aboutContext) else { return nil }
    let detail = namesFormat ? message : "HTTP \(status ?? 0): \(message)"
    return StructuredOutputError(setting: format.type, url: url, serverMessage: detail)
  }
}

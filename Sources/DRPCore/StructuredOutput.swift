/// Whether the reasoning stages ask the server to constrain answers to JSON (`response_format`):
/// configuration `reasoner.structured_output`, environment `DRP_REASONER_STRUCTURED_OUTPUT`,
/// pipeline option `structured_output`, flag `--structured-output`.
public enum StructuredOutput: String, Codable, CaseIterable, Sendable {
  /// Free text (the default): reasoning models think in prose, and some servers reject
  /// `response_format`.
  case none
  /// Each stage sends a JSON schema of exactly the answer its parser reads, with length bounds
  /// that fit the stage's token budget (OpenAI, vLLM, llama.cpp server, Ollama `/v1`).
  case jsonSchema = "json_schema"
  /// Any JSON object (`{"type": "json_object"}`), for servers without schema support.
  case jsonObject = "json_object"

  /// The accepted values for messages: `none, json_schema, json_object`.
  public static let valueList = allCases.map(\.rawValue).joined(separator: ", ")

  /// Decodes one of the raw values.
  /// - Throws: `DecodingError.dataCorrupted` naming the accepted values.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = StructuredOutput(rawValue: text) else {
      throw DecodingError.dataCorrupted(
        DecodingError.Context(
          codingPath: decoder.codingPath,
          debugDescription: "structured_output: expected one of \(Self.valueList), got '\(text)'"))
    }
    self = value
  }
}

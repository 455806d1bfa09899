import DRPCore

/// The `response_format` of a chat request: asks the server to constrain the answer to JSON.
///
/// Encoded exactly as the OpenAI chat-completions API defines it (also accepted by vLLM,
/// llama.cpp's `llama-server` and Ollama's `/v1`, which enforce it with a grammar):
/// - `jsonObject`: `{"type": "json_object"}` — any JSON object;
/// - `jsonSchema`: `{"type": "json_schema", "json_schema": {"name": …, "schema": {…}, "strict": …}}`
///   — an answer conforming to the JSON schema. OpenAI requires `name` to match
///   `[a-zA-Z0-9_-]{1,64}` and, with `strict`, every object's properties listed in `required` and
///   `additionalProperties: false`.
public enum ResponseFormat: Sendable, Hashable, Codable {
  /// Any JSON object.
  case jsonObject
  /// JSON conforming to `schema` (a JSON Schema object), enforced when `strict` is true.
  case jsonSchema(name: String, schema: JSONValue, strict: Bool)

  /// The `type` member: `json_object` or `json_schema`.
  public var type: String {
    switch self {
    case .jsonObject: return "json_object"
    case .jsonSchema: return "json_schema"
    }
  }

  /// The `response_format` value of the request body.
  public var json: JSONValue {
    switch self {
    case .jsonObject:
      return .object(["type": .string(type)])
    case .jsonSchema(let name, let schema, let strict):
      return .object([
        "type": .string(type),
        "json_schema": .object(["name": .string(name), "schema": schema, "strict": .bool(strict)]),
      ])
    }
  }

  /// Decodes a `response_format` value (the encoding of `json`).
  /// - Throws: `DecodingError.dataCorrupted` for another type, or a `json_schema` without a name
  ///   or an object schema.
  public init(from decoder: any Decoder) throws {
    let value = try JSONValue(from: decoder)
    func fail(_ problem: String) -> DecodingError {
      DecodingError.dataCorrupted(
        DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "response_format: \(problem)"))
    }
    guard case .object(let members) = value, case .string(let type)? = members["type"] else {
      throw fail("expected an object with a string `type`")
    }
    switch type {
    case "json_object":
      self = .jsonObject
    case "json_schema":
      guard case .object(let format)? = members["json_schema"], case .string(let name)? = format["name"],
        !name.isEmpty
      else { throw fail("`json_schema` needs an object with a non-empty `name`") }
      guard let schema = format["schema"], case .object = schema else {
        throw fail("`json_schema.schema` must be an object")
      }
      var strict = false
      if let flag = format["strict"] {
        guard case .bool(let b) = flag else { throw fail("`json_schema.strict` must be true or false") }
        strict = b
      }
      self = .jsonSchema(name: name, schema: schema, strict: strict)
    default:
      throw fail("unknown type '\(type)' (expected json_object or json_schema)")
    }
  }

  /// Encodes the `response_format` value (`json`).
  public func encode(to encoder: any Encoder) throws { try json.encode(to: encoder) }
}

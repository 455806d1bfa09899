import DRPCore
import DRPOpenAI

/// The JSON schema of one reasoning stage's answer, sent as `response_format` when
/// `PipelineOptions.structuredOutput` is `json_schema`, so that a server with constrained decoding
/// (llama.cpp, vLLM, OpenAI) can only produce what the stage's parser reads:
///
/// - extraction (`dimensions`): `{"dimensions": [{"name", "definition", "description", "evidence": [..]}]}`
///   with 1 to N dimensions — `DimensionParser`;
/// - `dpl` extraction (`baseDimensions`): the same, names restricted to the three base dimensions;
/// - validation: `{"kept": [{"name", "description"}], "dropped": [{"name", "reason"}]}`, names
///   restricted to the candidates' — `ValidationParser`;
/// - synthesis (`summary`): `{"summary": "..."}`, the only part of that answer the orchestrator
///   uses (`DimensionParser.parseProfile` accepts it).
///
/// Every object lists all its properties as required with `additionalProperties: false` (OpenAI's
/// strict mode), and every string and array has a bound: a schema the model cannot finish within
/// `max_tokens` would be cut off and fail to parse. The bounds follow from the stage's token
/// budget `T`: a fifth of `T` is kept for the whitespace a grammar allows and tokeniser variance,
/// 8 tokens for the outer object and a fixed number per list entry for keys and punctuation (30
/// per dimension, 12 per validation entry); the rest is text at 3 characters per token (measured:
/// about 4 on SmolLM2's JSON output). Request bodies have sorted keys, and llama.cpp's grammar
/// makes the model write properties in the order sent (`definition`, `description`, `evidence`, `name`).
public struct AnswerSchema: Hashable, Sendable {
  /// The schema's name (`[a-zA-Z0-9_-]`, as OpenAI requires).
  public var name: String
  /// The JSON Schema object.
  public var schema: JSONValue

  /// Tokens per list entry spent on keys, quotes and punctuation.
  private static let dimensionOverhead = 30
  private static let decisionOverhead = 12
  /// Characters of text per token (conservative).
  private static let charactersPerToken = 3

  /// The open-ended extraction answer: 1 to `clamp(usable / 110, 1, 6)` dimensions.
  /// - Parameter maxTokens: the call's `max_tokens`.
  public static func dimensions(maxTokens: Int) -> AnswerSchema {
    let count = min(6, max(1, usableTokens(maxTokens) / 110))
    return AnswerSchema(
      name: "difference_dimensions", schema: dimensionList(count: count, names: nil, maxTokens: maxTokens))
  }

  /// The `dpl` extraction answer: 1 to 3 dimensions (fewer when the budget is small) named from `names`.
  /// - Parameters:
  ///   - names: the allowed dimension names (the three base dimensions).
  ///   - maxTokens: the call's `max_tokens`.
  public static func baseDimensions(_ names: [String], maxTokens: Int) -> AnswerSchema {
    let count = min(max(1, names.count), max(1, usableTokens(maxTokens) / 100))
    return AnswerSchema(
      name: "base_dimensions", schema: dimensionList(count: count, names: names, maxTokens: maxTokens))
  }

  /// The validation answer for `candidates` (dimension names): each may be kept (with a revised
  /// description) or dropped (with a reason).
  /// - Parameters:
  ///   - candidates: the candidate dimensions' names.
  ///   - maxTokens: the call's `max_tokens`.
  public static func validation(candidates: [String], maxTokens: Int) -> AnswerSchema {
    var names: [String] = []
    for name in candidates where !names.contains(name) { names.append(name) }
    // Worst case: every candidate both kept and dropped.
    let entries = max(1, 2 * names.count)
    let text = characters(usableTokens(maxTokens) / entries - decisionOverhead, within: 16...400)
    func decision(_ textKey: String) -> JSONValue {
      .object([
        "type": "array", "maxItems": .int(Int64(names.count)),
        "items": object(["name": enumeration(names), textKey: string(maxLength: text)]),
      ])
    }
    return AnswerSchema(
      name: "dimension_validation", schema: object(["kept": decision("description"), "dropped": decision("reason")]))
  }

  /// The synthesis answer: a non-empty summary of at most `clamp(usable × 3, 40, 1200)` characters.
  /// - Parameter maxTokens: the call's `max_tokens`.
  public static func summary(maxTokens: Int) -> AnswerSchema {
    AnswerSchema(
      name: "profile_summary",
      schema: object([
        "summary": string(minLength: 1, maxLength: characters(usableTokens(maxTokens), within: 40...1200))
      ])
    )
  }

  /// The `response_format` for `mode`: this schema (strict) for `json_schema`, any JSON object for
  /// `json_object`, nil for `none`.
  public func responseFormat(_ mode: StructuredOutput) -> ResponseFormat? {
    switch mode {
    case .none: return nil
    case .jsonObject: return .jsonObject
    case .jsonSchema: return .jsonSchema(name: name, schema: schema, strict: true)
    }
  }

  /// Tokens left for the answer's content: four fifths of the budget minus the outer object.
  static func usableTokens(_ maxTokens: Int) -> Int { max(0, maxTokens * 4 / 5 - 8) }

  /// Text characters for `tokens`, kept within `range`.
  private static func characters(_ tokens: Int, within range: ClosedRange<Int>) -> Int {
    min(range.upperBound, max(range.lowerBound, tokens * charactersPerToken))
  }

  /// `{"dimensions": [dimension × 1...count]}`; each dimension's text shares its part of the
  /// budget as name 10%, definition 30%, description 40%, two evidence quotes 10% each.
  private static func dimensionList(count: Int, names: [String]?, maxTokens: Int) -> JSONValue {
    let text = max(0, usableTokens(maxTokens) / count - dimensionOverhead) * charactersPerToken
    let share = { (percent: Int, range: ClosedRange<Int>) in
      min(range.upperBound, max(range.lowerBound, text * percent / 100))
    }
    let dimension = object([
      "name": names.map(enumeration) ?? string(minLength: 1, maxLength: share(10, 12...48)),
      "definition": string(minLength: 1, maxLength: share(30, 24...240)),
      "description": string(minLength: 1, maxLength: share(40, 32...400)),
      "evidence": .object(["type": "array", "maxItems": 2, "items": string(maxLength: share(10, 12...120))]),
    ])
    return object([
      "dimensions": .object(["type": "array", "minItems": 1, "maxItems": .int(Int64(count)), "items": dimension])
    ])
  }

  /// A strict object schema: every property required, no others allowed.
  private static func object(_ properties: [String: JSONValue]) -> JSONValue {
    .object([
      "type": "object", "properties": .object(properties),
      "required": .array(properties.keys.sorted().map { .string($0) }), "additionalProperties": false,
    ])
  }

  private static func string(minLength: Int = 0, maxLength: Int) -> JSONValue {
    var members: [String: JSONValue] = ["type": "string", "maxLength": .int(Int64(maxLength))]
    if minLength > 0 { members["minLength"] = .int(Int64(minLength)) }
    return .object(members)
  }

  private static func enumeration(_ values: [String]) -> JSONValue {
    .object(["type": "string", "enum": .array(values.map { .string($0) })])
  }
}

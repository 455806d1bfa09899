/// A JSON value in a request body: parameters this client has no field for (`ChatRequest.extra`)
/// and JSON schemas (`ResponseFormat.jsonSchema`).
public enum OpenAIJSON: Sendable, Codable, Hashable {
  /// JSON `null`.
  case null
  /// A boolean.
  case bool(Bool)
  /// An integer.
  case int(Int)
  /// A floating-point number.
  case double(Double)
  /// A string.
  case string(String)
  /// An array.
  case array([OpenAIJSON])
  /// An object.
  case object([String: OpenAIJSON])

  /// Decodes any JSON value.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let value = try? c.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? c.decode(Int.self) {
      self = .int(value)
    } else if let value = try? c.decode(Double.self) {
      self = .double(value)
    } else if let value = try? c.decode(String.self) {
      self = .string(value)
    } else if let value = try? c.decode([OpenAIJSON].self) {
      self = .array(value)
    } else {
      self = .object(try c.decode([String: OpenAIJSON].self))
    }
  }

  /// Encodes the value as JSON.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let value): try c.encode(value)
    case .int(let value): try c.encode(value)
    case .double(let value): try c.encode(value)
    case .string(let value): try c.encode(value)
    case .array(let value): try c.encode(value)
    case .object(let value): try c.encode(value)
    }
  }
}

extension OpenAIJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
  /// A string literal as `.string`.
  public init(stringLiteral value: String) { self = .string(value) }
  /// An integer literal as `.int`.
  public init(integerLiteral value: Int) { self = .int(value) }
  /// `true` or `false` as `.bool`.
  public init(booleanLiteral value: Bool) { self = .bool(value) }
}

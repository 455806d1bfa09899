// Typed access to a request's params, with errors naming the field.
import DRPCore

/// The params object of a request. Accessors throw `RPCError.invalidParams` (-32602) naming the
/// offending field, so handlers can write `let user = try params.requireString("user")`.
/// Params given by position (a JSON array) are kept in `positional` for methods that read them;
/// every by-name accessor and `rejectUnknown` refuse them with -32602 (field `params`).
public struct RPCParams: Sendable, Equatable {
  /// The raw members.
  public var members: [String: JSONValue]
  /// The params array when they were given by position, else nil.
  public var positional: [JSONValue]?

  /// Wraps a params object, or by-position params.
  public init(_ members: [String: JSONValue] = [:], positional: [JSONValue]? = nil) {
    self.members = members
    self.positional = positional
  }

  /// Throws when the params were given by position.
  private func requireNamed() throws(RPCError) {
    if positional != nil {
      throw .invalidParams(field: "params", "must be an object: this method takes named params, not an array")
    }
  }

  /// The raw member `key`.
  public subscript(key: String) -> JSONValue? { members[key] }

  /// A required string.
  public func requireString(_ key: String) throws(RPCError) -> String {
    try requireNamed()
    guard let value = members[key] else { throw .invalidParams(field: key, "is required") }
    guard let text = value.string else { throw .invalidParams(field: key, "must be a string") }
    return text
  }

  /// An optional string (absent or null gives `defaultValue`).
  public func optionalString(_ key: String, default defaultValue: String? = nil) throws(RPCError) -> String? {
    guard let value = try present(key) else { return defaultValue }
    guard let text = value.string else { throw .invalidParams(field: key, "must be a string") }
    return text
  }

  /// A required integer, optionally within `range`.
  public func requireInt(_ key: String, range: ClosedRange<Int>? = nil) throws(RPCError) -> Int {
    try requireNamed()
    guard let value = members[key] else { throw .invalidParams(field: key, "is required") }
    return try integer(key, value, range: range)
  }

  /// An optional integer (absent or null gives `defaultValue`), optionally within `range`.
  public func optionalInt(_ key: String, default defaultValue: Int, range: ClosedRange<Int>? = nil) throws(RPCError)
    -> Int
  {
    guard let value = try present(key) else { return defaultValue }
    return try integer(key, value, range: range)
  }

  /// An optional number (absent or null gives `defaultValue`), optionally within `range`.
  public func optionalDouble(_ key: String, default defaultValue: Double, range: ClosedRange<Double>? = nil)
    throws(RPCError) -> Double
  {
    guard let value = try present(key) else { return defaultValue }
    guard let number = value.double else { throw .invalidParams(field: key, "must be a number") }
    if let range, !range.contains(number) {
      throw .invalidParams(field: key, "must be between \(range.lowerBound) and \(range.upperBound)")
    }
    return number
  }

  /// An optional boolean (absent or null gives `defaultValue`).
  public func optionalBool(_ key: String, default defaultValue: Bool) throws(RPCError) -> Bool {
    guard let value = try present(key) else { return defaultValue }
    guard let flag = value.bool else { throw .invalidParams(field: key, "must be true or false") }
    return flag
  }

  /// A required array of strings.
  public func requireStringArray(_ key: String) throws(RPCError) -> [String] {
    try requireNamed()
    guard let value = members[key] else { throw .invalidParams(field: key, "is required") }
    guard let elements = value.array else { throw .invalidParams(field: key, "must be an array of strings") }
    var strings: [String] = []
    for element in elements {
      guard let text = element.string else { throw .invalidParams(field: key, "must be an array of strings") }
      strings.append(text)
    }
    return strings
  }

  /// Fails when a member other than `allowed` is present (catches misspelt parameter names).
  public func rejectUnknown(allowing allowed: Set<String>) throws(RPCError) {
    try requireNamed()
    if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
      throw .invalidParams(field: unknown, "is not a parameter of this method")
    }
  }

  private func present(_ key: String) throws(RPCError) -> JSONValue? {
    try requireNamed()
    guard let value = members[key], !value.isNull else { return nil }
    return value
  }

  private func integer(_ key: String, _ value: JSONValue, range: ClosedRange<Int>?) throws(RPCError) -> Int {
    guard let number = value.int else { throw .invalidParams(field: key, "must be an integer") }
    if let range, !range.contains(number) {
      throw .invalidParams(field: key, "must be between \(range.lowerBound) and \(range.upperBound)")
    }
    return number
  }
}

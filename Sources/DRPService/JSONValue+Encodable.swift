// Turning Codable results into JSON values for replies.
import DRPCore
import DRPProtocol
import Foundation

extension JSONValue {
  /// The JSON form of an `Encodable` value (as `JSONEncoder` writes it).
  /// - Throws: encoding errors.
  init(encoding value: some Encodable) throws {
    let data = try JSONEncoder().encode(value)
    self = try JSONParser(maxDepth: 512).parse(Array(data))
  }

  /// A `Float` score as the shortest decimal that reads back as the same `Float` (the CLI's
  /// `--json` prints the same digits).
  static func score(_ value: Float) -> JSONValue { .double(Double(String(value)) ?? Double(value)) }
}

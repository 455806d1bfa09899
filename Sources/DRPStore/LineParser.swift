// Parsing of one JSONL line into a review or item row (no database access).
import Foundation

/// Turns one JSONL line into a `ParsedLine`: classifies it as a review or item metadata, checks
/// field types and the `ReviewRule`, and reports why a bad line is skipped. Pure, so it runs on
/// the parser thread.
struct LineParser: Sendable {
  let mapping: FieldMapping
  let rule: ReviewRule

  private static let itemKeys: Set<String> = ["title", "description", "categories", "main_category"]

  private struct BadLine: Error {
    var reason: SkipReason
    var detail: String
  }

  /// Parses `line`; a `meta_*` file (`metaFile`) holds only item metadata.
  func parse(_ line: LineReader.Line, metaFile: Bool) -> ParsedLine {
    if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
    do {
      let scanned: (members: [JSONMember], repaired: Bool)
      do {
        scanned = try JSONLineScanner.scan(line.bytes)
      } catch let error as JSONScanError {
        let detail = line.terminated ? error.description : "truncated last line (\(error.description))"
        throw BadLine(reason: .invalidJSON, detail: detail)
      }
      if let key = Self.repeatedKey(scanned.members) {
        throw BadLine(reason: .duplicateKey, detail: "key '\(key)' appears more than once")
      }
      let fields = LineFields(members: scanned.members, bytes: line.bytes)
      let repairedAt = scanned.repaired ? line.number : nil
      if !metaFile && fields.isReview(mapping) {
        var row = try review(fields)
        row.repairedAt = repairedAt
        return .review(row)
      }
      var row = try item(fields)
      row.repairedAt = repairedAt
      return .item(row)
    } catch let bad as BadLine {
      return .bad(reason: bad.reason, detail: bad.detail, number: line.number)
    } catch {
      return .bad(reason: .invalidJSON, detail: "\(error)", number: line.number)
    }
  }

  /// The first top-level key present twice (lines have a dozen keys: pairwise is cheapest).
  private static func repeatedKey(_ members: [JSONMember]) -> String? {
    for i in members.indices {
      for j in members.indices where j > i && members[j].key == members[i].key { return members[i].key }
    }
    return nil
  }

  private func review(_ fields: LineFields) throws -> ParsedLine.ReviewRow {
    let user = try fields.id(mapping.user, field: "user", rule)
    let item = try fields.id(mapping.item, field: "item", rule)
    let rating = try fields.checked(mapping.rating) { try rule.rating(try fields.rating(mapping.rating)) }
    let title = try fields.text(mapping.title)
    let text = try fields.text(mapping.text)
    try fields.checked(mapping.text) { try rule.texts(title: title, text: text) }
    let timestamp = try fields.checked(mapping.timestamp) { try rule.timestamp(try fields.number(mapping.timestamp)) }
    let helpful = try fields.integer(mapping.helpful)
    let verified = try fields.flag(mapping.verified)
    return ParsedLine.ReviewRow(
      user: user, item: item, rating: rating, title: title, text: text, timestamp: timestamp, helpful: helpful,
      verified: verified, textHash: TextHash.of(text))
  }

  private func item(_ fields: LineFields) throws -> ParsedLine.ItemRow {
    let id = try fields.id(mapping.item, field: "item", rule)
    let title = try fields.text(["title"])
    let description = try fields.strings("description")?.joined(separator: "\n") ?? ""
    let categories = try fields.strings("categories") ?? []
    let mainCategory = try fields.text(["main_category"])
    let extra = fields.rawObject(excluding: Self.itemKeys.union(mapping.item))
    let categoriesJSON = (try? JSONEncoder().encode(categories)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    return ParsedLine.ItemRow(
      id: id, title: title, description: description, categoriesJSON: categoriesJSON, mainCategory: mainCategory,
      metadataJSON: extra)
  }

  /// Typed access to the members of one scanned line; type errors throw `BadLine`.
  private struct LineFields {
    let members: [JSONMember]
    let bytes: UnsafeBufferPointer<UInt8>

    func value(_ keys: [String]) -> JSONMember? {
      for key in keys {
        if let member = members.first(where: { $0.key == key }) { return member }
      }
      return nil
    }

    func isReview(_ mapping: FieldMapping) -> Bool {
      value(mapping.user) != nil || value(mapping.rating) != nil || value(mapping.text) != nil
    }

    /// Runs a `ReviewRule` check; a violation becomes a bad line naming the source key.
    func checked<T>(_ keys: [String], _ check: () throws -> T) throws -> T {
      do {
        return try check()
      } catch let violation as ReviewRule.Violation {
        let key = value(keys)?.key ?? keys[0]
        throw BadLine(reason: violation.reason, detail: "\(key) \(violation.problem)")
      }
    }

    func id(_ keys: [String], field: String, _ rule: ReviewRule) throws -> String {
      guard let member = value(keys) else {
        throw BadLine(
          reason: field == "user" ? .missingUser : .missingItem, detail: "no \(keys.joined(separator: "/"))")
      }
      switch member.value {
      case .string(let s): return try checked(keys) { try rule.id(s, field: field) }
      case .null: return try checked(keys) { try rule.id("", field: field) }
      default: throw BadLine(reason: .wrongType, detail: "\(member.key) must be a string")
      }
    }

    /// A number or numeric string (the rule then checks its range).
    func rating(_ keys: [String]) throws -> Double {
      guard let member = value(keys) else {
        throw BadLine(reason: .badRating, detail: "no \(keys.joined(separator: "/"))")
      }
      switch member.value {
      case .number(let n): return n
      case .string(let s):
        guard let n = Double(s) else {
          throw BadLine(reason: .badRating, detail: "\(member.key) '\(s)' is not a number")
        }
        return n
      default: throw BadLine(reason: .wrongType, detail: "\(member.key) must be a number")
      }
    }

    func text(_ keys: [String]) throws -> String {
      guard let member = value(keys) else { return "" }
      switch member.value {
      case .string(let s): return s
      case .null: return ""
      default: throw BadLine(reason: .wrongType, detail: "\(member.key) must be a string")
      }
    }

    /// A number or numeric string (commas allowed); absent or null is 0.
    func number(_ keys: [String]) throws -> Double {
      guard let member = value(keys) else { return 0 }
      switch member.value {
      case .null: return 0
      case .number(let n): return n
      case .string(let s):
        if let n = Double(s.replacingOccurrences(of: ",", with: "")) { return n }
      default: break
      }
      throw BadLine(reason: .wrongType, detail: "\(member.key) must be a number")
    }

    func integer(_ keys: [String]) throws -> Int64 {
      guard let member = value(keys) else { return 0 }
      switch member.value {
      case .null: return 0
      case .number(let n) where n.isFinite && abs(n) < 9e15: return Int64(n)
      case .string(let s):
        if let n = Int64(s.replacingOccurrences(of: ",", with: "")) { return n }
      default: break
      }
      throw BadLine(reason: .wrongType, detail: "\(member.key) must be an integer")
    }

    func flag(_ keys: [String]) throws -> Bool {
      guard let member = value(keys) else { return false }
      switch member.value {
      case .bool(let b): return b
      case .null: return false
      case .number(let n) where n == 0 || n == 1: return n == 1
      default: throw BadLine(reason: .wrongType, detail: "\(member.key) must be true or false")
      }
    }

    /// A string or an array of strings.
    func strings(_ key: String) throws -> [String]? {
      guard let member = value([key]) else { return nil }
      if member.value == .null { return nil }
      guard let list = JSONLineScanner.strings(in: bytes, range: member.rawValue) else {
        throw BadLine(reason: .wrongType, detail: "\(key) must be a string or an array of strings")
      }
      return list
    }

    /// The members not in `excluded`, re-assembled as a JSON object text from their raw bytes.
    func rawObject(excluding excluded: Set<String>) -> String {
      var out: [UInt8] = [UInt8(ascii: "{")]
      for member in members where !excluded.contains(member.key) {
        if out.count > 1 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[member.rawKey]))
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[member.rawValue]))
      }
      out.append(UInt8(ascii: "}"))
      return String(decoding: out, as: UTF8.self)
    }
  }
}

import DRPCore
import Foundation

/// Parses difference dimensions out of a reasoning model's answer.
///
/// Accepted, in this order of preference (after `<think>…</think>` is stripped):
/// 1. JSON — an object with a `dimensions` (or `differences`) array, or a bare array — inside code
///    fences or surrounded by prose, with trailing commas tolerated; a truncated array yields its
///    complete elements and drops the partial last one;
/// 2. the DRP paper's text format: blocks `--- [Name] Definition: … Difference Description: … ---`,
///    with the name also accepted as `**Name**`, `### Name`, `1. Name` or `Name: X`, and optional
///    `Evidence:` lines.
/// Field aliases: name/dimension/title, definition, description/difference/difference_description,
/// evidence (string or array).
public enum DimensionParser {
  /// Parses dimensions from a model answer. An explicit empty JSON list yields `[]`.
  /// - Throws: `ReasoningError.truncatedReasoning`, `.emptyAnswer`, or `.unparseable` when the
  ///   answer holds no dimensions in any accepted format.
  public static func parse(_ text: String) throws -> [DifferenceDimension] {
    try parseProfile(text).dimensions
  }

  /// Parses dimensions plus an optional `summary` string (the synthesis pass's answer).
  /// - Throws: as `parse(_:)`; an answer with only a summary is accepted.
  public static func parseProfile(_ text: String) throws -> (dimensions: [DifferenceDimension], summary: String) {
    let answer = try ModelOutput.answer(text)
    for candidate in ModelOutput.codeFenceBodies(answer) + [answer] {
      if let parsed = parseJSON(candidate) { return parsed }
    }
    let dimensions = parseText(answer)
    if dimensions.isEmpty { throw ReasoningError.unparseable(ModelOutput.excerpt(answer)) }
    return (dimensions, "")
  }

  /// The first JSON value holding dimensions (an explicitly empty list counts), else the complete
  /// elements of a truncated dimensions array, else nil.
  static func parseJSON(_ text: String) -> (dimensions: [DifferenceDimension], summary: String)? {
    for value in ModelOutput.jsonValues(in: text) {
      if let array = value.array {
        let dimensions = array.compactMap(dimension(from:))
        if !dimensions.isEmpty || array.isEmpty { return (dimensions, "") }
      } else if let object = value.object {
        let summary = object["summary"]?.string ?? ""
        if let list = (object["dimensions"] ?? object["differences"])?.array {
          let dimensions = list.compactMap(dimension(from:))
          if !dimensions.isEmpty || list.isEmpty { return (dimensions, summary) }
        } else if let single = dimension(from: value) {
          return ([single], "")
        } else if !summary.isEmpty {
          return ([], summary)
        }
      }
    }
    for key in ["dimensions", "differences", nil] as [String?] {
      let dimensions = ModelOutput.completeArrayObjects(in: text, afterKey: key).compactMap {
        dimension(from: .object($0))
      }
      if !dimensions.isEmpty { return (dimensions, "") }
    }
    return nil
  }

  /// A dimension from a JSON element: an object with aliased keys, or nil.
  static func dimension(from value: JSONValue) -> DifferenceDimension? {
    guard let object = value.object else { return nil }
    var fields: [String: JSONValue] = [:]
    for (key, v) in object { fields[key.lowercased().filter { $0.isLetter }] = v }
    func string(_ keys: String...) -> String {
      for key in keys { if let s = fields[key]?.string { return s.trimmingWhitespace() } }
      return ""
    }
    let name = string("name", "dimension", "dimensionname", "title")
    guard !name.isEmpty else { return nil }
    var evidence: [String] = []
    if let list = fields["evidence"]?.array {
      evidence = list.map { $0.string ?? JSONWriter.string($0) }
    } else if let single = fields["evidence"]?.string, !single.isEmpty {
      evidence = [single]
    }
    return DifferenceDimension(
      name: cleanName(name), definition: string("definition"),
      description: string("description", "differencedescription", "difference", "differences"),
      evidence: evidence.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty })
  }

  /// Parses the paper's text format and its Markdown variants.
  static func parseText(_ text: String) -> [DifferenceDimension] {
    var result: [DifferenceDimension] = []
    var current: DifferenceDimension?
    var field: WritableKeyPath<DifferenceDimension, String>?
    var evidenceMode = false
    func flush() {
      if let d = current, !(d.definition.isEmpty && d.description.isEmpty) { result.append(d) }
      current = nil
      field = nil
      evidenceMode = false
    }
    for rawLine in splitInlineFields(text).split(whereSeparator: \.isNewline) {
      var line = String(rawLine).trimmingCharacters(in: .whitespaces)
      if line.hasPrefix("---") { line = String(line.drop { $0 == "-" }).trimmingCharacters(in: .whitespaces) }
      if !line.contains(where: { $0.isLetter || $0.isNumber }) { continue }
      let plain = line.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
      let unbulleted = stripBullet(plain)
      if let (label, value) = labelled(unbulleted) {
        switch label {
        case "definition":
          field = \.definition
          evidenceMode = false
        case "evidence", "examples":
          field = nil
          evidenceMode = true
        case "name", "dimension", "dimensionname":
          flush()
          current = DifferenceDimension(name: cleanName(value), definition: "", description: "")
          continue
        default:
          field = \.description
          evidenceMode = false
        }
        append(value, to: &current, field: field, evidence: evidenceMode)
      } else if let header = header(in: line) {
        flush()
        current = DifferenceDimension(name: header, definition: "", description: "")
      } else {
        append(unbulleted, to: &current, field: field, evidence: evidenceMode)
      }
    }
    flush()
    return result
  }

  /// Puts inline `Definition:` / `Difference Description:` / `Evidence:` labels and `---` block
  /// ends on lines of their own, so one-line blocks parse like multi-line ones.
  private static func splitInlineFields(_ text: String) -> String {
    var s = text
    for label in ["Definition:", "Difference Description:", "Evidence:"] {
      s = s.replacingOccurrences(of: " " + label, with: "\n" + label)
      s = s.replacingOccurrences(of: " **" + label, with: "\n**" + label)
    }
    return s.replacingOccurrences(of: " ---", with: "\n---")
  }

  private static func append(
    _ text: String, to dimension: inout DifferenceDimension?, field: WritableKeyPath<DifferenceDimension, String>?,
    evidence: Bool
  ) {
    guard dimension != nil, !text.isEmpty else { return }
    if evidence {
      dimension!.evidence += splitEvidence(text)
    } else if let field {
      let old = dimension![keyPath: field]
      dimension![keyPath: field] = old.isEmpty ? text : old + " " + text
    }
  }

  /// `Label: value` for a known field label (letters only, lowercased), or nil.
  private static func labelled(_ line: String) -> (String, String)? {
    guard let colon = line.firstIndex(of: ":") else { return nil }
    let label = line[..<colon].lowercased().filter { $0.isLetter }
    guard label.count <= 24, !label.isEmpty else { return nil }
    let known = [
      "definition", "differencedescription", "description", "difference", "evidence", "examples", "name", "dimension",
      "dimensionname",
    ]
    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    return known.contains(label) ? (label, value) : nil
  }

  /// A dimension header: `[Name]`, `**Name**`, `### Name`, `1. Name` (short, no sentence punctuation).
  private static func header(in line: String) -> String? {
    var s = Substring(line)
    if s.hasPrefix("#") { return cleanName(String(s.drop { $0 == "#" })) }
    s = Substring(stripBullet(String(s)))
    if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
      return cleanName(String(s[s.index(after: s.startIndex)..<close]))
    }
    if s.hasPrefix("**"), let close = s.dropFirst(2).range(of: "**") {
      let name = s[s.index(s.startIndex, offsetBy: 2)..<close.lowerBound]
      let tail = s[close.upperBound...].trimmingCharacters(in: .whitespaces)
      if tail.isEmpty || tail == ":" { return cleanName(String(name)) }
    }
    return nil
  }

  private static func stripBullet(_ line: String) -> String {
    var s = Substring(line)
    if s.hasPrefix("- ") || s.hasPrefix("* ") || s.hasPrefix("• ") { s = s.dropFirst(2) }
    let digits = s.prefix { $0.isNumber }
    if !digits.isEmpty, s.dropFirst(digits.count).hasPrefix(". ") || s.dropFirst(digits.count).hasPrefix(") ") {
      s = s.dropFirst(digits.count + 2)
    }
    return s.trimmingCharacters(in: .whitespaces)
  }

  /// Trims brackets, Markdown emphasis, a trailing colon and surrounding whitespace from a name.
  static func cleanName(_ name: String) -> String {
    name.trimmingCharacters(in: CharacterSet(charactersIn: " \t[]*_#:\"'`"))
  }

  /// Evidence items: quoted segments when present, else `;`-separated parts.
  static func splitEvidence(_ text: String) -> [String] {
    var quoted: [String] = []
    var current: String?
    for c in text {
      if c == "\"" || c == "“" || c == "”" {
        if let q = current {
          if !q.isEmpty { quoted.append(q) }
          current = nil
        } else {
          current = ""
        }
      } else if current != nil {
        current!.append(c)
      }
    }
    if !quoted.isEmpty { return quoted }
    return text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }
}

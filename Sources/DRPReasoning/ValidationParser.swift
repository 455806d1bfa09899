import DRPCore
import Foundation

/// The outcome of the reflective validation pass: which candidate dimensions survive.
public struct ValidationResult: Hashable, Sendable {
  /// A kept dimension: its name and, when the model rewrote it, a revised description.
  public struct Kept: Hashable, Sendable {
    /// The candidate's name as the model wrote it.
    public var name: String
    /// A revised description, or nil to keep the candidate's.
    public var revisedDescription: String?
  }
  /// Kept dimensions in the model's order.
  public var kept: [Kept]
  /// Names of dropped dimensions (informational).
  public var dropped: [String]

  /// The candidates that were kept, with revised descriptions applied. Names are matched with
  /// `DimensionMerger.sameDimension`, so "Tone" keeps "Emotional tone"; kept names matching no
  /// candidate are ignored (validation cannot invent dimensions).
  public func apply(to candidates: [DifferenceDimension], merger: DimensionMerger = DimensionMerger())
    -> [DifferenceDimension]
  {
    candidates.compactMap { candidate in
      let exact = kept.first { DimensionMerger.normalizedKey(candidate.name) == DimensionMerger.normalizedKey($0.name) }
      guard let match = exact ?? kept.first(where: { merger.sameDimension(candidate.name, $0.name) }) else {
        return nil
      }
      var result = candidate
      if let revised = match.revisedDescription, !revised.isEmpty { result.description = revised }
      return result
    }
  }
}

/// Parses the validation pass's answer.
///
/// Accepted: `{"kept": [...], "dropped": [...]}` (elements are names or objects with `name` and an
/// optional `description`; `keep`/`valid`/`validated`/`dimensions` are aliases of `kept`), a bare
/// JSON array of kept names or objects, or — when no JSON is found — the dimension text format
/// (every block is a kept dimension) or lines `KEEP: Name` / `DROP: Name`.
public enum ValidationParser {
  /// Parses a validation answer.
  /// - Throws: `ReasoningError.truncatedReasoning`, `.emptyAnswer`, or `.unparseable` when no
  ///   decision can be read.
  public static func parse(_ text: String) throws -> ValidationResult {
    let answer = try ModelOutput.answer(text)
    for candidate in ModelOutput.codeFenceBodies(answer) + [answer] {
      for value in ModelOutput.jsonValues(in: candidate) {
        if let array = value.array {
          let keptNames = array.compactMap(kept(from:))
          if !keptNames.isEmpty || array.isEmpty { return ValidationResult(kept: keptNames, dropped: []) }
        }
        if let object = value.object {
          let keptList = ["kept", "keep", "valid", "validated", "dimensions"].lazy.compactMap { object[$0]?.array }
            .first
          let droppedList = ["dropped", "drop", "rejected", "removed"].lazy.compactMap { object[$0]?.array }.first
          if keptList != nil || droppedList != nil {
            return ValidationResult(
              kept: (keptList ?? []).compactMap(kept(from:)),
              dropped: (droppedList ?? []).compactMap { kept(from: $0)?.name })
          }
        }
      }
    }
    let lines = answer.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    let keptLines = lines.compactMap { value(of: $0, label: "keep") }
    let droppedLines = lines.compactMap { value(of: $0, label: "drop") }
    if !keptLines.isEmpty || !droppedLines.isEmpty {
      return ValidationResult(kept: keptLines.map { .init(name: $0, revisedDescription: nil) }, dropped: droppedLines)
    }
    let blocks = DimensionParser.parseText(answer)
    if !blocks.isEmpty {
      return ValidationResult(
        kept: blocks.map { .init(name: $0.name, revisedDescription: $0.description.isEmpty ? nil : $0.description) },
        dropped: [])
    }
    throw ReasoningError.unparseable(ModelOutput.excerpt(answer))
  }

  private static func kept(from value: JSONValue) -> ValidationResult.Kept? {
    if let name = value.string {
      let clean = DimensionParser.cleanName(name)
      return clean.isEmpty ? nil : .init(name: clean, revisedDescription: nil)
    }
    guard let dimension = DimensionParser.dimension(from: value) else { return nil }
    return .init(name: dimension.name, revisedDescription: dimension.description.isEmpty ? nil : dimension.description)
  }

  /// The value of a `KEEP: Name` style line for `label` (case-insensitive, also `KEPT`/`DROPPED`).
  private static func value(of line: String, label: String) -> String? {
    guard let colon = line.firstIndex(of: ":") else { return nil }
    let head = line[..<colon].lowercased().filter { $0.isLetter }
    guard head == label || head == label + "ed" || head == label + "ped" || (label == "keep" && head == "kept") else {
      return nil
    }
    let name = DimensionParser.cleanName(String(line[line.index(after: colon)...]))
    return name.isEmpty ? nil : name
  }
}

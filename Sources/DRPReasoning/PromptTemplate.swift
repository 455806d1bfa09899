import DRPCore
import Foundation

/// A versioned chat prompt template.
///
/// File format (`config/prompts/<name>.v<version>.txt`):
/// ```
/// # drp-prompt <name> v<version>
/// [system]
/// …system text…
/// [user]
/// …user text with {{placeholders}} and {{#section}}…{{/section}} blocks…
/// ```
/// `{{key}}` is replaced by the value for `key`; a `{{#key}}…{{/key}}` block is kept (its markers
/// removed) when the value for `key` is non-empty and removed entirely otherwise. Values are inserted
/// verbatim: callers escape untrusted text with `PromptText` first.
public struct PromptTemplate: Hashable, Sendable {
  /// Template name, e.g. `extract_differences`.
  public let name: String
  /// Template version number.
  public let version: Int
  /// System message text (before rendering).
  public let system: String
  /// User message text (before rendering).
  public let user: String

  /// `name.vN`, used in provenance and cache keys.
  public var id: String { "\(name).v\(version)" }

  /// Names of the templates the pipeline uses.
  public enum Name: String, CaseIterable, Sendable {
    /// Open-ended difference discovery (mode `drp`).
    case extractDifferences = "extract_differences"
    /// Three fixed base dimensions (mode `dpl`).
    case extractDPL = "extract_dpl"
    /// Reflective validation of candidate dimensions.
    case validateDifferences = "validate_differences"
    /// Profile synthesis across key items.
    case synthesizeProfile = "synthesize_profile"
    /// Review generation.
    case generateReview = "generate_review"
  }

  /// Parses a template file's text.
  /// - Throws: `ReasoningError.template` when the header or the sections are missing.
  public init(parsing text: String) throws {
    let lines = text.components(separatedBy: "\n")
    let header = lines.first?.split(separator: " ").map(String.init) ?? []
    guard header.count == 4, header[0] == "#", header[1] == "drp-prompt", header[3].hasPrefix("v"),
      let version = Int(header[3].dropFirst())
    else {
      throw ReasoningError.template("first line must be '# drp-prompt <name> v<N>', found '\(lines.first ?? "")'")
    }
    var sections: [String: [String]] = [:]
    var current: String?
    for line in lines.dropFirst() {
      if line == "[system]" || line == "[user]" {
        current = String(line.dropFirst().dropLast())
        sections[current!] = []
      } else if let section = current {
        sections[section]!.append(line)
      }
    }
    guard let system = sections["system"], let user = sections["user"] else {
      throw ReasoningError.template("template '\(header[2])' needs a [system] and a [user] section")
    }
    self.name = header[2]
    self.version = version
    self.system = system.joined(separator: "\n").trimmingWhitespace()
    self.user = user.joined(separator: "\n").trimmingWhitespace()
  }

  /// Loads version `version` of template `name` (file `name.vN.txt`) from `directory`, falling back
  /// to the embedded copy when the directory has no such file.
  /// - Throws: `ReasoningError.template` when a file exists but is malformed, or no template is known.
  public static func load(_ name: Name, version: Int, from directory: URL?) throws -> PromptTemplate {
    let file = "\(name.rawValue).v\(version).txt"
    if let directory, FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path) {
      let url = directory.appendingPathComponent(file)
      let text: String
      do { text = try String(contentsOf: url, encoding: .utf8) } catch {
        throw ReasoningError.template("cannot read \(url.path): \(error.localizedDescription)")
      }
      return try PromptTemplate(parsing: text)
    }
    guard let text = EmbeddedPrompts.files[file] else {
      throw ReasoningError.template("no template \(file) in \(directory?.path ?? "the binary")")
    }
    return try PromptTemplate(parsing: text)
  }

  /// The version of each template a preset uses: `drp` the v1 templates, `paper` the v2 ones
  /// (free-text differences, a summary from raw differences and past reviews, generation from the
  /// summary).
  public static func version(of name: Name, for preset: PipelinePreset) -> Int { preset == .paper ? 2 : 1 }

  /// Renders the template into chat messages.
  /// - Throws: `ReasoningError.template` when a `{{placeholder}}` has no value.
  public func render(_ values: [String: String]) throws -> [PromptMessage] {
    [
      PromptMessage(role: "system", content: try Self.substitute(system, values)),
      PromptMessage(role: "user", content: try Self.substitute(user, values)),
    ]
  }

  /// Replaces sections and placeholders in one pass over the template text; inserted values are
  /// never re-scanned, so a value containing `{{x}}` stays literal. Sections do not nest. The scan
  /// runs over UTF-8 bytes (delimiters are ASCII), so a prompt of a few kilobytes costs
  /// microseconds: `fit` renders each prompt several times.
  static func substitute(_ text: String, _ values: [String: String]) throws -> String {
    let brace = UInt8(ascii: "{")
    let closing = UInt8(ascii: "}")
    var out: [UInt8] = []
    var skipping: String?
    var text = text
    try text.withUTF8 { bytes in
      out.reserveCapacity(bytes.count + values.values.reduce(0) { $0 + $1.utf8.count })
      /// The first index at or after `from` where `byte` appears twice in a row, or nil.
      func pair(_ byte: UInt8, from: Int) -> Int? {
        var index = from
        while index + 1 < bytes.count {
          if bytes[index] == byte {
            if bytes[index + 1] == byte { return index }
          }
          index += 1
        }
        return nil
      }
      var rest = 0
      while let open = pair(brace, from: rest) {
        guard let close = pair(closing, from: open + 2) else { break }
        let tag = String(decoding: bytes[(open + 2)..<close], as: UTF8.self)
        if skipping == nil { out.append(contentsOf: bytes[rest..<open]) }
        rest = close + 2
        let isSectionMarker = tag.hasPrefix("#") || tag.hasPrefix("/")
        // A section marker alone on its line takes its line break with it.
        if isSectionMarker && rest < bytes.count && bytes[rest] == 0x0A { rest += 1 }
        if tag.hasPrefix("#") {
          let key = String(tag.dropFirst())
          if skipping == nil && (values[key] ?? "").isEmpty { skipping = key }
        } else if tag.hasPrefix("/") {
          if skipping == String(tag.dropFirst()) { skipping = nil }
        } else if skipping == nil {
          guard let value = values[tag] else { throw ReasoningError.template("no value for placeholder {{\(tag)}}") }
          out.append(contentsOf: value.utf8)
        }
      }
      if skipping == nil { out.append(contentsOf: bytes[rest...]) }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

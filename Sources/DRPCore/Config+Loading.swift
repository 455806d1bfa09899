// Loading a DRPConfig: file, then DRP_* environment variables.
import Foundation

/// A configuration file that cannot be read or decoded.
public struct ConfigError: Error, CustomStringConvertible {
  /// What went wrong, for the user.
  public let description: String
}

extension DRPConfig {
  /// The default configuration file, relative to the current directory.
  public static let defaultPath = "config/drp.json"

  /// Loads the configuration: built-in defaults, overridden by `file` (or `DRP_CONFIG`, or
  /// `config/drp.json` when it exists), then by `DRP_*` environment variables.
  /// - Parameters:
  ///   - file: An explicit file; it must exist.
  ///   - environment: The process environment (injectable for tests).
  /// - Throws: `ConfigError` when a named file is missing, any file is not valid configuration JSON,
  ///   or an environment variable has an invalid value.
  public static func load(file: String?, environment: [String: String]) throws -> DRPConfig {
    var config = DRPConfig()
    let explicit = file ?? environment["DRP_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    let path = explicit ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil)
    if let path {
      guard let data = FileManager.default.contents(atPath: path) else {
        throw ConfigError(description: "cannot read config file \(path)")
      }
      do {
        config = try JSONDecoder().decode(DRPConfig.self, from: data)
      } catch {
        throw ConfigError(description: "invalid config file \(path): \(error)")
      }
    }
    try config.applyEnvironment(environment)
    return config
  }

  /// Applies `DRP_HOME`, `DRP_EMBED_*`, `DRP_LLM_*`, `DRP_REASONER_*` and `DRP_SUMMARIZER_*`
  /// overrides (empty values are ignored); a reasoner with neither URL nor model then falls back to
  /// the `llm` connection settings, keeping its own `structured_output`; a summarizer with neither is
  /// none (the preset chooses), and one with a model but no URL uses the `llm` server.
  /// - Throws: `ConfigError` for a `DRP_REASONER_STRUCTURED_OUTPUT` that is not a known value.
  public mutating func applyEnvironment(_ environment: [String: String]) throws {
    func value(_ key: String) -> String? {
      guard let v = environment[key], !v.isEmpty else { return nil }
      return v
    }
    if let v = value("DRP_HOME") { home = v }
    if let v = value("DRP_EMBED_URL") { embedder.url = v }
    if let v = value("DRP_EMBED_MODEL") { embedder.model = v }
    if let v = value("DRP_EMBED_API_KEY") { embedder.apiKey = v }
    if let v = value("DRP_LLM_URL") { llm.url = v }
    if let v = value("DRP_LLM_MODEL") { llm.model = v }
    if let v = value("DRP_LLM_API_KEY") { llm.apiKey = v }
    if let v = value("DRP_REASONER_URL") { reasoner.url = v }
    if let v = value("DRP_REASONER_MODEL") { reasoner.model = v }
    if let v = value("DRP_REASONER_API_KEY") { reasoner.apiKey = v }
    if let v = value("DRP_REASONER_STRUCTURED_OUTPUT") {
      guard let mode = StructuredOutput(rawValue: v) else {
        throw ConfigError(
          description: "DRP_REASONER_STRUCTURED_OUTPUT: expected one of \(StructuredOutput.valueList), got '\(v)'")
      }
      reasoner.structuredOutput = mode
    }
    if reasoner.url == nil && reasoner.model == nil {
      let structuredOutput = reasoner.structuredOutput
      reasoner = llm
      reasoner.structuredOutput = structuredOutput
    }
    var summarizer = self.summarizer ?? LLMConfig()
    if let v = value("DRP_SUMMARIZER_URL") { summarizer.url = v }
    if let v = value("DRP_SUMMARIZER_MODEL") { summarizer.model = v }
    if let v = value("DRP_SUMMARIZER_API_KEY") { summarizer.apiKey = v }
    // A summarizer section naming neither URL nor model leaves the choice to the preset.
    self.summarizer = summarizer.url == nil && summarizer.model == nil ? nil : summarizer
    if let configured = self.summarizer, configured.url == nil {
      // Only a model name: the same server as the generation LLM.
      var merged = llm
      merged.model = configured.model
      self.summarizer = merged
    }
  }
}

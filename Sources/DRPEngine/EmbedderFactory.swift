// Choosing and preparing the configured embedder.
import DRPCore
import DRPOpenAI
import DRPPeers
import Foundation

/// Builds the embedder named by `embedder.kind` in the configuration.
enum EmbedderFactory {
  /// Kinds accepted in `embedder.kind` and by `drp embed --embedder`.
  static let kinds = ["builtin", "openai"]

  /// The key under which the builtin embedder's IDF fit is stored (without the fit's fingerprint).
  static func builtinKey(dimension: Int) -> String { BuiltinEmbedder(dimension: dimension).name }

  /// The configured embedder. For `builtin`, `idf` is the stored fit (or nil before the first fit).
  /// - Throws: ``EngineError`` for an unknown kind or an `openai` embedder without a URL.
  static func make(_ config: EmbedderConfig, idf: HashedIDF?) throws -> any Embedder {
    guard config.dimension >= 1 else {
      throw EngineError(.invalidArgument, "embedder.dimension must be at least 1, got \(config.dimension)")
    }
    switch config.kind.lowercased() {
    case "builtin":
      return BuiltinEmbedder(dimension: config.dimension, idf: idf)
    case "openai":
      guard let url = config.url, !url.isEmpty else {
        throw EngineError(
          .invalidArgument,
          "the openai embedder needs a server URL: set embedder.url in the config or DRP_EMBED_URL "
            + "(e.g. http://127.0.0.1:18432/v1)")
      }
      let model = config.model.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
      let endpoint = OpenAIEndpoint(baseURL: url, model: model, apiKey: config.apiKey)
      return OpenAIEmbedder(endpoint: endpoint, dimension: config.dimension)
    default:
      throw EngineError(
        .invalidArgument, "unknown embedder kind '\(config.kind)' (use \(kinds.joined(separator: " or ")))")
    }
  }
}

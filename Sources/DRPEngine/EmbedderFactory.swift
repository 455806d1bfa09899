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
  static func builtinKey(_ config: EmbedderConfig) -> String {
    BuiltinEmbedder(dimension: config.dimension, textOnly: config.text == .text).name
  }

  /// Checks the section and, for kind `openai`, creates the remote embedder (its HTTP client is
  /// made once, here); nil for `builtin`, which needs the stored IDF fit (see ``builtin(_:idf:)``).
  /// - Returns: the remote embedder, or the configuration error to report when an embedder is needed.
  static func remote(_ config: EmbedderConfig) -> Result<(any Embedder)?, EngineError> {
    guard config.dimension >= 1 else {
      return .failure(EngineError(.invalidArgument, "embedder.dimension must be at least 1, got \(config.dimension)"))
    }
    switch config.kind.lowercased() {
    case "builtin":
      return .success(nil)
    case "openai":
      guard let url = config.url, !url.isEmpty else {
        return .failure(
          EngineError(
            .invalidArgument,
            "the openai embedder needs a server URL: set embedder.url in the config or DRP_EMBED_URL "
              + "(e.g. http://127.0.0.1:18432/v1)"))
      }
      let model = config.model.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
      let endpoint = OpenAIEndpoint(baseURL: url, model: model, apiKey: config.apiKey)
      return .success(OpenAIEmbedder(endpoint: endpoint, dimension: config.dimension, textOnly: config.text == .text))
    default:
      return .failure(
        EngineError(
          .invalidArgument, "unknown embedder kind '\(config.kind)' (use \(kinds.joined(separator: " or ")))"))
    }
  }

  /// The builtin embedder with the stored IDF fit (nil before the first fit).
  static func builtin(_ config: EmbedderConfig, idf: HashedIDF?) -> BuiltinEmbedder {
    BuiltinEmbedder(dimension: config.dimension, idf: idf, textOnly: config.text == .text)
  }
}

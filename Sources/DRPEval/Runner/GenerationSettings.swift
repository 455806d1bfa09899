// The settings that decide what a generation produces, and their fingerprint.
import DRPCore
import DRPReasoning
import Foundation

/// The parts of a configuration that change generated text (models, embedder, pipeline budgets).
/// Saved samples are reused only by a run whose settings have the same ``fingerprint``.
public struct GenerationSettings: Sendable, Codable, Equatable {
  /// Generation LLM base URL (nil: the offline generator).
  public var llmURL: String?
  /// Generation LLM model name.
  public var llmModel: String?
  /// Reasoning LLM base URL.
  public var reasonerURL: String?
  /// Reasoning LLM model name.
  public var reasonerModel: String?
  /// Embedder kind (`builtin`, `openai`).
  public var embedder: String
  /// Embedding model name, if any.
  public var embedderModel: String?
  /// Embedding dimension.
  public var embedderDimension: Int
  /// What of a review is embedded (`title_text`, `text`).
  public var embedderText: EmbeddingText
  /// Summarizer base URL and model, when configured apart.
  public var summarizerURL: String?
  public var summarizerModel: String?
  /// Pipeline budgets, strategy and model overrides (the mode is set per sample, so it is left at `drp`).
  public var pipeline: PipelineOptions

  /// Version of the evaluation protocol; bump it when the runner changes what a sample means.
  static let protocolVersion = 2  // 2: profiles conditioned on the target item and title

  /// The settings of `config` with the pipeline `options` in force.
  public init(config: DRPConfig, options: PipelineOptions) {
    llmURL = config.llm.url
    llmModel = config.llm.model
    reasonerURL = config.reasoner.url
    reasonerModel = config.reasoner.model
    embedder = config.embedder.kind
    embedderModel = config.embedder.model
    embedderDimension = config.embedder.dimension
    embedderText = config.embedder.text
    summarizerURL = config.summarizer?.url
    summarizerModel = config.summarizer?.model
    pipeline = options
    pipeline.mode = .drp
  }

  /// 16 hex digits of a 64-bit FNV-1a hash over the protocol version and these settings (sorted-key JSON).
  public var fingerprint: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = (try? encoder.encode(self)) ?? Data()
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in Array("v\(Self.protocolVersion):".utf8) + Array(json) {
      hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}

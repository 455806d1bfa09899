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
  /// Digest of every review the evaluation hides from all generations (``heldOutDigest(_:)``): samples
  /// generated with other reviews hidden are not reused.
  public var heldOut: String?

  /// Version of the evaluation protocol; bump it when the runner changes what a sample means.
  /// 2: profiles conditioned on the target item and title; 3: every eligible user's held-out review
  /// (and, with a category, the later reviews) is hidden from every generation, not only the user's own.
  static let protocolVersion = 3

  /// The settings of `config` with the pipeline `options` in force and the `hidden` reviews of the run.
  public init(config: DRPConfig, options: PipelineOptions, hidden: Set<Int64>? = nil) {
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
    heldOut = hidden.map(Self.heldOutDigest)
  }

  /// 16 hex digits of FNV-1a over the sorted review ids.
  public static func heldOutDigest(_ reviews: Set<Int64>) -> String {
    fnv1a(Array(reviews.sorted().map(String.init).joined(separator: ",").utf8))
  }

  /// 16 hex digits of a 64-bit FNV-1a hash over the protocol version and these settings (sorted-key JSON).
  public var fingerprint: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = (try? encoder.encode(self)) ?? Data()
    return Self.fnv1a(Array("v\(Self.protocolVersion):".utf8) + Array(json))
  }

  private static func fnv1a(_ bytes: [UInt8]) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}

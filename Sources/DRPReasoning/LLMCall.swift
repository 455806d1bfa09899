import DRPOpenAI
import Foundation

/// What `LLMCaller.run` sends: one rendered prompt for one stage, with its sampling budget.
public struct LLMCall: Sendable {
  /// The stage name (`extract`, `validate`, `synthesize`, `generate`).
  public var stage: String
  /// The rendered prompt.
  public var prompt: RenderedPrompt
  /// The key item the call is about (provenance of failures).
  public var itemID: String?
  /// Self-consistency sample index (changes the seed and the cache key).
  public var sample: Int
  /// `max_tokens` of the first attempt; doubled after a truncated reasoning.
  public var maxTokens: Int
  /// Sampling temperature.
  public var temperature: Double
  /// Nucleus sampling `top_p` (nil: not sent).
  public var topP: Double?
  /// The first attempt's seed; sample `s` and retry `a` use `seed + s + 1000·a`.
  public var seed: Int
  /// Attempts after the first one when the reply cannot be used.
  public var retries: Int
  /// The JSON shape the answer must have (`response_format`); nil: free text.
  public var responseFormat: ResponseFormat?

  /// Creates a call.
  public init(
    stage: String, prompt: RenderedPrompt, itemID: String? = nil, sample: Int = 0, maxTokens: Int,
    temperature: Double, topP: Double? = nil, seed: Int = 0, retries: Int, responseFormat: ResponseFormat? = nil
  ) {
    self.stage = stage
    self.prompt = prompt
    self.itemID = itemID
    self.sample = sample
    self.maxTokens = maxTokens
    self.temperature = temperature
    self.topP = topP
    self.seed = seed
    self.retries = retries
    self.responseFormat = responseFormat
  }
}

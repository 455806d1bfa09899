import DRPCore

extension PipelinePreset {
  /// Sets the knobs this preset fixes. `drp` only names itself (drp's defaults are the options'
  /// own); `paper` sets the released pipeline's values: temperature 0, top_p 0.95, seed 42,
  /// generation and reasoning budgets of 4096 tokens, one sample, validation recorded but not used,
  /// 8 key samples of items with at least 4 other reviewers, 4 peers by k-means without fill-up
  /// (`representative-strict`), 8 past reviews, no prompt truncation in practice (budget 100k),
  /// free-text answers.
  public func apply(to options: inout PipelineOptions) {
    options.preset = self
    guard self == .paper else { return }
    options.temperature = 0
    options.topP = 0.95
    options.seed = 42
    options.maxTokens = 4096
    options.thinkingBudget = 4096
    options.samples = 1
    options.validation = .record
    options.keySamples = 8
    options.minOtherReviewers = 4
    options.peers = 4
    options.strategy = "representative-strict"
    options.history = 8
    options.promptBudget = 100_000
    options.structuredOutput = .none
  }
}

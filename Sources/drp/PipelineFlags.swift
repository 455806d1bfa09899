import DRPCore
import DRPReasoning

/// The pipeline knob flags shared by `drp profile` and `drp generate`, mapped onto
/// `PipelineOptions` fields.
enum PipelineFlags {
  /// Flag name → `PipelineOptions` JSON key, for the flags taking a value.
  private static let valued: [(flag: String, short: Character?, key: String, integer: Bool)] = [
    ("preset", nil, "preset", false), ("profile-scope", nil, "profile_scope", false),
    ("validation", nil, "validation", false), ("min-other-reviewers", nil, "min_other_reviewers", true),
    ("top-p", nil, "top_p", false), ("seed", nil, "seed", true), ("summarizer-model", nil, "summarizer_model", false),
    ("mode", nil, "mode", false), ("samples", nil, "samples", true), ("thinking-budget", nil, "thinking_budget", true),
    ("key-samples", "K", "key_samples", true), ("peers", nil, "peers", true), ("strategy", nil, "strategy", false),
    ("history", nil, "history", true), ("max-tokens", nil, "max_tokens", true),
    ("temperature", nil, "temperature", false), ("retries", nil, "retries", true),
    ("prompt-budget", nil, "prompt_budget", true), ("structured-output", nil, "structured_output", false),
    ("extractor-model", nil, "extractor_model", false), ("generator-model", nil, "generator_model", false),
  ]

  /// The option specs of the knob flags.
  static let options: [OptionSpec] = options(seedFlag: "seed")

  /// The option specs with the LLM seed under `seedFlag` (`drp eval` uses `--seed` for its user
  /// sample and calls this one `--llm-seed`).
  static func options(seedFlag: String) -> [OptionSpec] {
    valued.map { OptionSpec.value($0.key == "seed" ? seedFlag : $0.flag, short: $0.short) } + [.flag("no-validation")]
  }

  /// ``usage`` with the LLM seed flag named `--llm-seed` (the columns kept).
  static let usageWithLLMSeed = usage.replacingOccurrences(of: "--seed N    ", with: "--llm-seed N")

  /// Usage lines describing the knob flags.
  static let usage = """
      --preset P           drp (default pipeline.preset) or paper: the released DRP pipeline's settings
                           (see README, Presets); the other flags apply on top of the preset
      --profile-scope S    target (profile per target item, default) or user (one profile per user)
      --samples N          extractions per key sample (self-consistency; default pipeline.samples)
      --validation V       use (default), record (run it, keep it, build from the unvalidated
                           differences) or off
      --no-validation      same as --validation off
      --min-other-reviewers N   other reviewers a history item needs to be a key sample (default 4)
      --thinking-budget N  max tokens of each reasoning call (default pipeline.thinking_budget)
      -K, --key-samples N  key samples compared with peers (default pipeline.key_samples)
      --peers N            peers per key sample (default pipeline.peers)
      --strategy S         peer strategy: nearest, diverse, representative, contrastive
      --history N          past reviews shown to the generator (default pipeline.history)
      --max-tokens N       max tokens of the generated review (default pipeline.max_tokens)
      --temperature T      sampling temperature (default 0.7)
      --top-p P            nucleus sampling top_p sent with every call (default: not sent)
      --seed N             seed of every call's first attempt (default 0)
      --retries N          extra attempts after an unusable reply (default 2)
      --prompt-budget N    estimated tokens per prompt; longer reviews are cut (default 6000)
      --structured-output M   none, json_schema or json_object: constrain the reasoning answers to
                           JSON via response_format (default reasoner.structured_output, none)
      --extractor-model M, --summarizer-model M, --generator-model M   model names overriding the
                           endpoints' models (reasoner, summarizer, llm)
    """

  /// `defaults` with the flags given in `arguments` applied.
  /// - Throws: `UsageError` naming the flag for a malformed or out-of-range value.
  static func apply(_ arguments: ParsedArguments, to defaults: PipelineOptions, seedFlag: String = "seed") throws
    -> PipelineOptions
  {
    var overrides: [String: JSONValue] = [:]
    for spec in valued {
      let flag = spec.key == "seed" ? seedFlag : spec.flag
      guard let text = arguments.value(flag) else { continue }
      if spec.integer {
        guard let n = Int64(text) else {
          throw UsageError(description: "--\(flag) expects an integer, got '\(text)'")
        }
        overrides[spec.key] = .int(n)
      } else if spec.key == "temperature" || spec.key == "top_p" {
        guard let t = Double(text) else {
          throw UsageError(description: "--\(flag) expects a number, got '\(text)'")
        }
        overrides[spec.key] = .double(t)
      } else {
        overrides[spec.key] = .string(text)
      }
    }
    if arguments.flag("no-validation") { overrides["validation"] = .bool(false) }
    do {
      return try defaults.applying(overrides)
    } catch let error as PipelineOptionsError {
      let flag =
        valued.first { $0.key == error.field }.map { "--\($0.key == "seed" ? seedFlag : $0.flag)" } ?? error.field
      throw UsageError(description: "\(flag): \(error.problem)")
    }
  }
}

import DRPCore
import DRPReasoning

/// The pipeline knob flags shared by `drp profile`, `drp generate` and `drp eval`, mapped onto
/// `PipelineOptions` fields. One table (`knobs`) holds each flag's spelling, its `PipelineOptions`
/// key, how its value is read and its help; the usage is generated from it, with every default
/// rendered from `PipelineOptions()` (and the configuration key that overrides it), so neither
/// the flags nor their defaults can drift from the code.
enum PipelineFlags {
  /// How a knob's value is read from the command line.
  enum Kind: Sendable {
    /// An integer, sent on as a JSON integer.
    case integer
    /// A number, sent on as a JSON number.
    case number
    /// Text, sent on as a JSON string.
    case text
  }

  /// One knob flag taking a value.
  struct Knob: Sendable {
    /// The long flag name, without `--`.
    var flag: String
    /// The one-letter flag, if any.
    var short: Character? = nil
    /// The `PipelineOptions` JSON key it sets.
    var key: String
    /// How its value is read.
    var kind: Kind
    /// The value's placeholder in the usage (`N`, `T`, ...).
    var placeholder: String
    /// What it does; nil for a flag each command documents itself (`--mode`). Lines after the first
    /// continue it.
    var help: String?
    /// The default the usage shows, from the built-in defaults.
    var shownDefault: @Sendable (PipelineOptions) -> String
  }

  /// The default "pipeline.KEY, VALUE": the configuration's `pipeline.KEY` when set, else `value`.
  private static func config(
    _ key: String, _ value: @escaping @Sendable (PipelineOptions) -> Any
  ) -> @Sendable (PipelineOptions) -> String {
    { "pipeline.\(key), \(value($0))" }
  }

  /// The knob flags taking a value, in usage order.
  static let knobs: [Knob] = [
    Knob(
      flag: "preset", key: "preset", kind: .text, placeholder: "P",
      help: "drp or paper: the released DRP pipeline's settings (see README, Presets);\n"
        + "the other flags apply on top of the preset", shownDefault: config("preset") { $0.preset.rawValue }),
    Knob(
      flag: "profile-scope", key: "profile_scope", kind: .text, placeholder: "S",
      help: "target (a profile per target item) or user (one profile per user)",
      shownDefault: config("profile_scope") { $0.profileScope.rawValue }),
    Knob(
      flag: "samples", key: "samples", kind: .integer, placeholder: "N",
      help: "extractions per key sample (self-consistency)", shownDefault: config("samples") { $0.samples }),
    Knob(
      flag: "validation", key: "validation", kind: .text, placeholder: "V",
      help: "use, record (run it, keep it, build from the unvalidated differences)\nor off",
      shownDefault: config("validation") { $0.validation.rawValue }),
    Knob(
      flag: "min-other-reviewers", key: "min_other_reviewers", kind: .integer, placeholder: "N",
      help: "other reviewers a history item needs to be a key sample",
      shownDefault: config("min_other_reviewers") { $0.minOtherReviewers }),
    Knob(
      flag: "thinking-budget", key: "thinking_budget", kind: .integer, placeholder: "N",
      help: "max tokens of each reasoning call", shownDefault: config("thinking_budget") { $0.thinkingBudget }),
    Knob(
      flag: "key-samples", short: "K", key: "key_samples", kind: .integer, placeholder: "N",
      help: "key samples compared with peers", shownDefault: config("key_samples") { $0.keySamples }),
    Knob(
      flag: "peers", key: "peers", kind: .integer, placeholder: "N", help: "peers per key sample",
      shownDefault: config("peers") { $0.peers }),
    Knob(
      flag: "strategy", key: "strategy", kind: .text, placeholder: "S",
      help: "peer strategy: nearest, diverse, representative, contrastive",
      shownDefault: config("peer_strategy") { $0.strategy }),
    Knob(
      flag: "history", key: "history", kind: .integer, placeholder: "N", help: "past reviews shown to the generator",
      shownDefault: config("history") { $0.history }),
    Knob(
      flag: "max-tokens", key: "max_tokens", kind: .integer, placeholder: "N",
      help: "max tokens of the generated review", shownDefault: config("max_tokens") { $0.maxTokens }),
    Knob(
      flag: "temperature", key: "temperature", kind: .number, placeholder: "T", help: "sampling temperature",
      shownDefault: { "\($0.temperature)" }),
    Knob(
      flag: "top-p", key: "top_p", kind: .number, placeholder: "P", help: "nucleus sampling top_p sent with every call",
      shownDefault: { $0.topP.map { "\($0)" } ?? "not sent" }),
    Knob(
      flag: "seed", key: "seed", kind: .integer, placeholder: "N", help: "seed of every call's first attempt",
      shownDefault: { "\($0.seed ?? 0)" }),
    Knob(
      flag: "retries", key: "retries", kind: .integer, placeholder: "N", help: "extra attempts after an unusable reply",
      shownDefault: { "\($0.retries)" }),
    Knob(
      flag: "prompt-budget", key: "prompt_budget", kind: .integer, placeholder: "N",
      help: "estimated tokens per prompt; longer reviews are cut", shownDefault: { "\($0.promptBudget)" }),
    Knob(
      flag: "structured-output", key: "structured_output", kind: .text, placeholder: "M",
      help: "none, json_schema or json_object: constrain the reasoning answers to\nJSON via response_format",
      shownDefault: { "reasoner.structured_output, \($0.structuredOutput.rawValue)" }),
    Knob(
      flag: "extractor-model", key: "extractor_model", kind: .text, placeholder: "M",
      help: "model of the reasoning stages", shownDefault: { $0.extractorModel ?? "the reasoner endpoint's" }),
    Knob(
      flag: "summarizer-model", key: "summarizer_model", kind: .text, placeholder: "M",
      help: "model of the profile summary", shownDefault: { $0.summarizerModel ?? "the summarizer endpoint's" }),
    Knob(
      flag: "generator-model", key: "generator_model", kind: .text, placeholder: "M", help: "model of generation",
      shownDefault: { $0.generatorModel ?? "the llm endpoint's" }),
    Knob(
      flag: "mode", key: "mode", kind: .text, placeholder: "M", help: nil, shownDefault: config("mode") { $0.mode }),
  ]

  /// The option specs of the knob flags.
  static let options: [OptionSpec] = options(seedFlag: "seed")

  /// The option specs with the LLM seed under `seedFlag` (`drp eval` uses `--seed` for its user
  /// sample and calls this one `--llm-seed`).
  static func options(seedFlag: String) -> [OptionSpec] {
    knobs.map { OptionSpec.value(flag(of: $0, seedFlag: seedFlag), short: $0.short) } + [.flag("no-validation")]
  }

  /// The command-line name of `knob`, the seed's being `seedFlag`.
  private static func flag(of knob: Knob, seedFlag: String) -> String { knob.key == "seed" ? seedFlag : knob.flag }

  /// ``usage`` with the LLM seed flag named `--llm-seed`.
  static let usageWithLLMSeed = usage(seedFlag: "llm-seed")

  /// Usage lines describing the knob flags (generated from `knobs`; `--no-validation` follows `--validation`).
  static let usage = usage(seedFlag: "seed")

  /// The usage lines with the LLM seed flag named `seedFlag`.
  static func usage(seedFlag: String) -> String {
    let defaults = PipelineOptions()
    let column = 23
    var lines: [String] = []
    for knob in knobs {
      guard let help = knob.help else { continue }
      let head =
        "  " + (knob.short.map { "-\($0), " } ?? "") + "--\(flag(of: knob, seedFlag: seedFlag)) \(knob.placeholder)"
      let padded = head + String(repeating: " ", count: head.count <= column - 2 ? column - head.count : 3)
      // The default ends the help, on a line of its own when it would pass 100 columns.
      var body = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      let shown = "(default \(knob.shownDefault(defaults)))"
      let lastWidth = (body.count == 1 ? padded.count : column) + body[body.count - 1].count + 1 + shown.count
      if lastWidth <= 100 { body[body.count - 1] += " " + shown } else { body.append(shown) }
      lines.append(padded + body[0])
      lines += body.dropFirst().map { String(repeating: " ", count: column) + $0 }
      if knob.flag == "validation" { lines.append("  --no-validation      same as --validation off") }
    }
    return lines.joined(separator: "\n")
  }

  /// `defaults` with the flags given in `arguments` applied.
  /// - Throws: `UsageError` naming the flag for a malformed or out-of-range value.
  /// - Parameter seedFlag: the name of the LLM seed flag (`llm-seed` for `drp eval`).
  static func apply(_ arguments: ParsedArguments, to defaults: PipelineOptions, seedFlag: String = "seed") throws
    -> PipelineOptions
  {
    var overrides: [String: JSONValue] = [:]
    for knob in knobs {
      let flag = flag(of: knob, seedFlag: seedFlag)
      guard let text = arguments.value(flag) else { continue }
      switch knob.kind {
      case .integer:
        guard let n = Int64(text) else {
          throw UsageError(description: "--\(flag) expects an integer, got '\(text)'")
        }
        overrides[knob.key] = .int(n)
      case .number:
        guard let t = Double(text) else {
          throw UsageError(description: "--\(flag) expects a number, got '\(text)'")
        }
        overrides[knob.key] = .double(t)
      case .text:
        overrides[knob.key] = .string(text)
      }
    }
    if arguments.flag("no-validation") { overrides["validation"] = .bool(false) }
    do {
      return try defaults.applying(overrides)
    } catch let error as PipelineOptionsError {
      let name = knobs.first { $0.key == error.field }.map { "--\(flag(of: $0, seedFlag: seedFlag))" } ?? error.field
      throw UsageError(description: "\(name): \(error.problem)")
    }
  }
}

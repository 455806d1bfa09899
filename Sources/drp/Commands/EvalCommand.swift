import DRPCore
import DRPEngine
import DRPEval
import DRPMetrics
import DRPReasoning
import Foundation

/// `drp eval`: generates each sampled user's held-out (last) review in several pipeline modes and
/// scores the modes with ROUGE, METEOR and BLEU.
struct EvalCommand: Command {
  let name = "eval"
  let summary = "score pipeline modes on held-out reviews (ROUGE, METEOR, BLEU)"
  let usage = """
    usage: drp eval [--modes nonp,rag,dpl,drp] [--targets last|dpl] [--users N] [--seed S]
                    [--min-reviews N] [--category C] [--concurrency N] [--fresh] [--out FILE] [--json]
                    [--svg FILE] [--sweep KNOB=V1,V2,...] [--meteor-tokenizer T] [--rouge-aggregation A]
                    [pipeline flags]

    The paper's protocol: each user's last review (by time) is held out and the rest is history.
    N eligible users are drawn with seed S; for each user and mode the held-out review is generated
    (same item, rating and title) and compared with the real one. No generation sees any eligible
    user's held-out review (nor the reviews written after it): not in peer pools, user vectors,
    profiles, retrieval, or the builtin embedder's IDF (refitted, re-embedding every review, when a
    held-out review was counted in it). Prints a Markdown table: per mode ROUGE-1, ROUGE-L, METEOR
    (0-1) and BLEU (0-100) with 95% bootstrap intervals, LLM calls, tokens and wall time. Finished
    samples are saved in <home>/eval/<fingerprint>.jsonl as they are generated, so an interrupted
    run resumes where it stopped (LLM replies are cached too). Several samples are generated at once
    (--concurrency); the report is the same whatever the concurrency. Progress on stderr. Run
    `drp embed` first.
      --modes LIST         comma-separated modes among nonp, rag, dpl, drp (default all four)
      --targets T          last (default): each eligible user's last review; dpl: the targets marked
                           by `drp import --format dpl` (every marked user unless --users)
      --users N            users to evaluate (default 100 with last, all with dpl)
      --seed S             seed of the user sample and the bootstrap (default 0); the LLM calls'
                           seed is --llm-seed (default pipeline.seed; 42 with --preset paper)
      --min-reviews N      reviews a user needs to be eligible, held-out one included (default 5)
      --category C         only reviews of items in category C count (e.g. Magazine_Subscriptions);
                           the user's last such review is held out, later reviews of any category
                           are hidden with it
      --concurrency N      samples (users x modes) generated at once (default llm.concurrency); LLM
                           requests stay within llm.concurrency / reasoner.concurrency whatever N
      --fresh              discard the saved samples of this configuration and start over
      --out FILE           also write the JSON report to FILE
      --json               print the JSON report (every sample included) instead of the table
      --svg FILE           draw the report (each metric, each mode, 95% intervals; with --sweep,
                           quality against reasoning tokens) as a self-contained SVG file
      --sweep KNOB=LIST    run the modes once per value of one knob, reusing saved samples and cached
                           replies, and report each metric against the reasoning calls and tokens
                           spent; KNOB: thinking-budget, samples, key-samples, peers, extractor-model
      --meteor-tokenizer T whitespace (default) or treebank (NLTK word_tokenize's Treebank rules)
      --rouge-aggregation A  mean (default) or bootstrap-mid (rouge-score's BootstrapAggregator mid)
    Pipeline flags (override the configuration's pipeline section):
    \(PipelineFlags.usageWithLLMSeed)
    """
  let options: [OptionSpec] =
    [
      .value("modes"), .value("users"), .value("seed"), .value("min-reviews"), .value("category"),
      .value("concurrency"), .flag("fresh"), .value("targets"), .value("svg"), .value("sweep"),
      .value("meteor-tokenizer"), .value("rouge-aggregation"),
      .value("out", short: "o"), .json,
    ] + PipelineFlags.options(seedFlag: "llm-seed").filter { $0.name != "mode" }

  func run(_ context: CommandContext) throws {
    let args = context.arguments
    guard args.positionals.isEmpty else {
      throw UsageError(description: "unexpected argument '\(args.positionals[0])'")
    }
    let modes = try Self.modes(args.value("modes") ?? "nonp,rag,dpl,drp")
    let targets = args.value("targets") ?? "last"
    guard ["last", "dpl"].contains(targets) else {
      throw UsageError(description: "--targets: unknown target set '\(targets)' (use last or dpl)")
    }
    if targets != "last", args.value("category") != nil || args.value("min-reviews") != nil {
      throw UsageError(description: "--category and --min-reviews apply to --targets last only")
    }
    let users = try args.int(
      "users", default: targets == "last" ? 100 : 0, in: targets == "last" ? 1...1_000_000 : 0...1_000_000)
    let concurrency = try args.int("concurrency", default: max(1, context.config.llm.concurrency), in: 1...4096)
    let seed = UInt64(try args.int("seed", default: 0))
    let metrics = try Self.metricOptions(args)
    let split: HeldOutSplit
    do {
      split = try HeldOutSplit(
        minReviews: try args.int("min-reviews", default: 5, in: 2...1_000_000), category: args.value("category"))
    } catch let error as EvalError {
      throw UsageError(description: error.description)
    }
    for name in ["out", "svg"] {
      if let file = args.value(name), file.isEmpty { throw UsageError(description: "--\(name) needs a file name") }
    }
    let sweep: EvalSweep?
    do { sweep = try args.value("sweep").map(EvalSweep.init(spec:)) } catch let error as EvalError {
      throw UsageError(description: error.description)
    }

    let options = try PipelineFlags.apply(
      args, to: try Engine.pipelineOptions(config: context.config), seedFlag: "llm-seed")
    let engine = try context.engine()
    let eligible =
      targets == "last" ? try split.cases(in: engine.store) : try MarkedTargets(source: targets).cases(in: engine.store)
    guard !eligible.isEmpty else {
      if targets != "last" {
        throw RuntimeError(
          description: "no \(targets) target is stored: import the benchmark with `drp import --format \(targets)`")
      }
      throw EvalError.noEligibleUsers(minReviews: split.minReviews, category: split.category)
    }
    // Every eligible user's held-out review (and later reviews) is hidden from every generation, so the
    // samples of a user do not depend on which other users are drawn.
    let hidden = Set(eligible.flatMap(\.excluded))
    try refitIDFIfNeeded(engine, hidden: hidden, context)
    let cases = users == 0 ? eligible : HeldOutSplit.sample(eligible, count: users, seed: seed)
    let settings = EvalSettings(
      modes: modes, requestedUsers: users, seed: seed, minReviews: split.minReviews, category: split.category,
      eligibleUsers: eligible.count, evaluatedUsers: cases.count, targets: targets, hiddenReviews: hidden.count,
      pipeline: PipelineSettings(config: context.config, options: options))
    context.stderr.line(
      "eval: \(cases.count) of \(eligible.count) eligible users x \(modes.count) modes"
        + (sweep.map { " x \($0.values.count) values of \($0.knob)" } ?? ""))

    /// Runs (or resumes) every sample with `options` and scores them.
    func evaluate(_ options: PipelineOptions, settings: EvalSettings) throws -> EvalReport {
      let generation = GenerationSettings(config: context.config, options: options, hidden: hidden)
      let checkpoint = try EvalCheckpoint(
        path: EvalCheckpoint.path(home: context.home, fingerprint: generation.fingerprint),
        fresh: args.flag("fresh"))
      context.stderr.line("eval: saved samples: \(checkpoint.path) (\(checkpoint.count))")
      let runner = EvalRunner(
        writer: EngineReviewWriter(engine: engine, options: options, hidden: hidden), checkpoint: checkpoint,
        inFlight: { engine.llmRequestsInFlight })
      let run = try BlockingCall.run {
        try await runner.run(cases, modes: modes, concurrency: concurrency) { progress in
          FileHandle.standardError.write(Data((progress.line + "\n").utf8))
        }
      }
      return try EvalReport(run: run, settings: settings, generation: generation, metrics: metrics)
    }

    let json: Data
    let text: String
    let svg: String
    if let sweep {
      var points: [SweepPoint] = []
      for value in sweep.values {
        let swept = try sweep.apply(value, to: options)
        var pointSettings = settings
        pointSettings.pipeline = PipelineSettings(config: context.config, options: swept)
        context.stderr.line("eval: sweep \(sweep.knob) = \(value)")
        points.append(SweepPoint(value: value, report: try evaluate(swept, settings: pointSettings)))
      }
      let report = SweepReport(knob: sweep.knob, points: points)
      (json, text, svg) = (try report.json(), report.markdownTable(), report.svg())
    } else {
      let report = try evaluate(options, settings: settings)
      (json, text, svg) = (try report.json(), report.markdownTable(), report.svg())
    }
    for (name, data) in [("out", json), ("svg", Data(svg.utf8))] {
      guard let file = args.value(name) else { continue }
      do { try data.write(to: URL(fileURLWithPath: file)) } catch {
        throw RuntimeError(description: "cannot write the report to \(file): \(error.localizedDescription)")
      }
    }
    context.stdout.line(context.json ? String(decoding: json, as: UTF8.self) : text)
  }

  /// With the builtin embedder, refits its IDF without the held-out reviews when the stored fit counted
  /// any of them (re-embedding every review and rebuilding the index), saying so on stderr.
  private func refitIDFIfNeeded(_ engine: Engine, hidden: Set<Int64>, _ context: CommandContext) throws {
    let counted = try engine.idfFitCounted(hidden)
    guard !counted.isEmpty else { return }
    context.stderr.line(
      "eval: the builtin embedder's IDF was fitted with \(counted.count) held-out review(s); "
        + "refitting it without them and re-embedding every review")
    let report = try engine.embed(rebuild: true, idfExcluding: hidden)
    context.stderr.line(
      "eval: re-embedded \(report.reviewsEmbedded) reviews, \(report.indexedUsers) users indexed "
        + "(\(String(format: "%.1f", report.seconds)) s)")
  }

  /// `--meteor-tokenizer` and `--rouge-aggregation`.
  /// - Throws: `UsageError` for an unknown value.
  static func metricOptions(_ args: ParsedArguments) throws -> MetricOptions {
    // Hook (issue 12, part A): under `--preset paper` the defaults become treebank and bootstrap-mid,
    // the scoring of the papers' scripts; the flags below still override them.
    var metrics = MetricOptions()
    if let name = args.value("meteor-tokenizer") {
      guard let tokenizer = MetricOptions.METEORTokenizer(rawValue: name) else {
        throw UsageError(description: "--meteor-tokenizer: unknown tokenizer '\(name)' (use whitespace or treebank)")
      }
      metrics.meteorTokenizer = tokenizer
    }
    if let name = args.value("rouge-aggregation") {
      guard let aggregation = MetricOptions.ROUGEAggregation(rawValue: name) else {
        throw UsageError(
          description: "--rouge-aggregation: unknown aggregation '\(name)' (use mean or bootstrap-mid)")
      }
      metrics.rougeAggregation = aggregation
    }
    return metrics
  }

  /// The distinct modes of a comma-separated list, in the order given.
  /// - Throws: `UsageError` for an empty list or an unknown mode.
  static func modes(_ list: String) throws -> [PipelineMode] {
    var modes: [PipelineMode] = []
    for word in list.split(separator: ",", omittingEmptySubsequences: false) {
      let name = word.trimmingCharacters(in: .whitespaces)
      guard let mode = PipelineMode(rawValue: name) else {
        throw UsageError(description: "--modes: unknown mode '\(name)' (use nonp, rag, dpl, drp)")
      }
      if !modes.contains(mode) { modes.append(mode) }
    }
    return modes
  }
}

import DRPCore
import DRPEngine
import DRPEval
import DRPReasoning
import Foundation

/// `drp eval`: generates each sampled user's held-out (last) review in several pipeline modes and
/// scores the modes with ROUGE, METEOR and BLEU.
struct EvalCommand: Command {
  let name = "eval"
  let summary = "score pipeline modes on held-out reviews (ROUGE, METEOR, BLEU)"
  let usage = """
    usage: drp eval [--modes nonp,rag,dpl,drp] [--users N] [--seed S] [--min-reviews N] [--category C]
                    [--concurrency N] [--fresh] [--out FILE] [--json] [pipeline flags]

    The paper's protocol: each user's last review (by time) is held out and the rest is history.
    N eligible users are drawn with seed S; for each user and mode the held-out review is generated
    (same item, rating and title) without the held-out review being visible to peer selection,
    profiles or retrieval, and compared with the real one. Prints a Markdown table: per mode
    ROUGE-1, ROUGE-L, METEOR (0-1) and BLEU (0-100) with 95% bootstrap intervals, LLM calls,
    tokens and wall time. Finished samples are saved in <home>/eval/<fingerprint>.jsonl as they
    are generated, so an interrupted run resumes where it stopped (LLM replies are cached too).
    Several samples are generated at once (--concurrency); the report is the same whatever the
    concurrency. Progress on stderr. Run `drp embed` first.
      --modes LIST         comma-separated modes among nonp, rag, dpl, drp (default all four)
      --users N            users to evaluate (default 100; all eligible users when fewer)
      --seed S             seed of the user sample and the bootstrap (default 0)
      --min-reviews N      reviews a user needs to be eligible, held-out one included (default 5)
      --category C         only reviews of items in category C count (e.g. Magazine_Subscriptions)
      --concurrency N      samples (users x modes) generated at once (default llm.concurrency); LLM
                           requests stay within llm.concurrency / reasoner.concurrency whatever N
      --fresh              discard the saved samples of this configuration and start over
      --out FILE           also write the JSON report to FILE
      --json               print the JSON report (every sample included) instead of the table
    Pipeline flags (override the configuration's pipeline section):
    \(PipelineFlags.usage)
    """
  let options: [OptionSpec] =
    [
      .value("modes"), .value("users"), .value("seed"), .value("min-reviews"), .value("category"),
      .value("concurrency"), .flag("fresh"),
      .value("out", short: "o"), .json,
    ] + PipelineFlags.options.filter { $0.name != "mode" }

  func run(_ context: CommandContext) throws {
    let args = context.arguments
    guard args.positionals.isEmpty else {
      throw UsageError(description: "unexpected argument '\(args.positionals[0])'")
    }
    let modes = try Self.modes(args.value("modes") ?? "nonp,rag,dpl,drp")
    let users = try args.int("users", default: 100, in: 1...1_000_000)
    let concurrency = try args.int("concurrency", default: max(1, context.config.llm.concurrency), in: 1...4096)
    let seed = UInt64(try args.int("seed", default: 0))
    let split: HeldOutSplit
    do {
      split = try HeldOutSplit(
        minReviews: try args.int("min-reviews", default: 5, in: 2...1_000_000), category: args.value("category"))
    } catch let error as EvalError {
      throw UsageError(description: error.description)
    }
    if let out = args.value("out"), out.isEmpty { throw UsageError(description: "--out needs a file name") }

    let engine = try context.engine()
    let options = try PipelineFlags.apply(args, to: try engine.pipelineOptions())
    let eligible = try split.cases(in: engine.store)
    guard !eligible.isEmpty else {
      throw EvalError.noEligibleUsers(minReviews: split.minReviews, category: split.category)
    }
    let cases = HeldOutSplit.sample(eligible, count: users, seed: seed)
    let generation = GenerationSettings(config: context.config, options: options)
    let checkpoint = try EvalCheckpoint(
      path: EvalCheckpoint.path(home: context.home, fingerprint: generation.fingerprint), fresh: args.flag("fresh"))
    context.stderr.line(
      "eval: \(cases.count) of \(eligible.count) eligible users x \(modes.count) modes; "
        + "saved samples: \(checkpoint.path) (\(checkpoint.count))")
    let runner = EvalRunner(
      writer: EngineReviewWriter(engine: engine, options: options), checkpoint: checkpoint,
      inFlight: { engine.llmRequestsInFlight })
    let run = try BlockingCall.run {
      try await runner.run(cases, modes: modes, concurrency: concurrency) { progress in
        FileHandle.standardError.write(Data((progress.line + "\n").utf8))
      }
    }
    let settings = EvalSettings(
      modes: modes, requestedUsers: users, seed: seed, minReviews: split.minReviews, category: split.category,
      eligibleUsers: eligible.count, evaluatedUsers: cases.count)
    let report = try EvalReport(run: run, settings: settings, generation: generation)
    let json = try report.json()
    if let out = args.value("out") {
      do { try json.write(to: URL(fileURLWithPath: out)) } catch {
        throw RuntimeError(description: "cannot write the report to \(out): \(error.localizedDescription)")
      }
    }
    if context.json {
      context.stdout.line(String(decoding: json, as: UTF8.self))
    } else {
      context.stdout.line(report.markdownTable())
    }
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

import DRPCore
import DRPEngine
import DRPReasoning
import Foundation

/// `drp profile USER`: builds (or reuses) the user's difference profile.
struct ProfileCommand: Command {
  let name = "profile"
  let summary = "build or show a user's difference profile (drp or dpl)"
  let usage = """
    usage: drp profile USER --item ITEM [--title T] [--mode drp|dpl] [--refresh] [knob flags] [--json]
           drp profile USER --profile-scope user [...]

    Compares the user's reviews with comparable peers' reviews of the same items and describes how
    the user writes differently. By default (pipeline.profile_scope target) the profile is built for
    one target: the key samples are the user's history items most relevant to ITEM (and to the
    review title T, when given), as `drp keys` lists them. Uses the reasoning LLM (reasoner.* / DRP_REASONER_*, falling back to
    llm.* / DRP_LLM_*) when configured, else the statistical analyser. A stored profile is reused
    until the user's reviews change; every LLM reply is cached, so a rebuild costs no calls for
    unchanged inputs. The LLM calls and tokens per stage are printed on stderr.
      --item ITEM   the target item (required unless --profile-scope user)
      --title T     the target review's title (part of the key-sample query)
      --mode M      drp (default: open-ended, validated, synthesised) or dpl (three base dimensions)
      --refresh     rebuild even when a fresh stored profile exists
    \(PipelineFlags.usage)
      --json        print {"dimensions":[…],"summary":…,"mode":…,"target":…,"differences":[…],"stats":…,
                    "failures":…,"reused":…,"provenance":…}
    """
  let options: [OptionSpec] = PipelineFlags.options + [.value("item"), .value("title"), .flag("refresh"), .json]

  func run(_ context: CommandContext) throws {
    guard context.arguments.positionals.count == 1, let user = context.arguments.positionals.first else {
      throw UsageError(description: "expected exactly one USER")
    }
    let options = try PipelineFlags.apply(context.arguments, to: try Engine.pipelineOptions(config: context.config))
    let engine = try context.engine()
    guard options.mode.usesProfile else { throw UsageError(description: "--mode must be drp or dpl for a profile") }
    let refresh = context.arguments.flag("refresh")
    let target = context.arguments.value("item").map {
      ProfileTarget(itemID: $0, title: context.arguments.value("title"))
    }
    if target == nil && options.profileScope == .target {
      throw UsageError(description: "--item is required for a target-conditioned profile (or --profile-scope user)")
    }
    let progressOutput = FileHandle.standardError
    let result = try BlockingCall.run {
      try await engine.profile(
        user: user, target: target, options: options, refresh: refresh,
        progress: { progressOutput.write(Data("profile: \($0)\n".utf8)) })
    }
    Self.report(result.stats, failures: result.failures, user: user, to: context.stderr)
    if result.reused { context.stderr.line("profile: reused the stored profile (use --refresh to rebuild)") }
    if context.json {
      try context.printJSON(ProfileDocument(result))
      return
    }
    context.stdout.line(
      "profile of \(user) (\(result.profile.mode), \(result.profile.provenance.models.joined(separator: ", ")))")
    context.stdout.line(result.profile.promptText(maxDimensions: 50))
  }

  /// Prints the per-stage LLM budget and the final failures on stderr.
  static func report(_ stats: PipelineStats, failures: [PipelineFailure], user: String, to stderr: TextOutput) {
    stderr.line(
      "LLM budget for \(user):\n" + stats.report.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
    for failure in failures where failure.final {
      stderr.line(
        "drp: note: \(failure.stage) \(failure.itemID.map { "item \($0) " } ?? "")gave no usable answer "
          + "after \(failure.attempt + 1) attempt(s): \(failure.reason)")
    }
  }

}

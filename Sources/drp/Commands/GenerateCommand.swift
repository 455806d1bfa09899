import DRPCore
import DRPEngine
import DRPGenerator
import DRPReasoning
import Foundation

/// `drp generate USER --item ITEM`: writes the review the user would write.
struct GenerateCommand: Command {
  let name = "generate"
  let summary = "write the review a user would write about an item"
  let usage = """
    usage: drp generate USER --item ITEM [--rating R] [--title T] [--mode nonp|rag|dpl|drp] [--stream]
                        [knob flags] [--json]

    Generates with the LLM (llm.* / DRP_LLM_URL, DRP_LLM_MODEL, DRP_LLM_API_KEY) when configured,
    else with the offline generator. Modes: nonp (item only), rag (+ the user's most relevant past
    reviews), dpl (+ a three-dimension profile), drp (+ the full difference profile; default
    pipeline.mode). The LLM calls and tokens per stage are printed on stderr.
      --item ITEM   the target item (required)
      --rating R    the user's rating of the item (1-5)
      --title T     the review's title
      --stream      print the review as it is generated (not with --json)
    \(PipelineFlags.usage)
      --json        print {"review":…,"mode":…,"llm_calls":…,"tokens":…,"stats":…}
    """
  let options: [OptionSpec] =
    PipelineFlags.options + [.value("item"), .value("rating"), .value("title"), .flag("stream"), .json]

  func run(_ context: CommandContext) throws {
    guard context.arguments.positionals.count == 1, let user = context.arguments.positionals.first else {
      throw UsageError(description: "expected exactly one USER")
    }
    guard let item = context.arguments.value("item") else { throw UsageError(description: "--item is required") }
    let rating = try context.arguments.value("rating").map { text in
      guard let r = Double(text), (0...5).contains(r) else {
        throw UsageError(description: "--rating expects a number in 0...5, got '\(text)'")
      }
      return r
    }
    let title = context.arguments.value("title")
    let options = try PipelineFlags.apply(context.arguments, to: try Engine.pipelineOptions(config: context.config))
    let engine = try context.engine()
    let streaming = context.arguments.flag("stream") && !context.json
    let deltaOutput = FileHandle.standardOutput
    var onDelta: (@Sendable (String) -> Void)?
    if streaming { onDelta = { piece in deltaOutput.write(Data(piece.utf8)) } }
    let deltas = onDelta
    let result = try BlockingCall.run {
      try await engine.generate(
        user: user, item: item, rating: rating, title: title, options: options, onDelta: deltas)
    }
    ProfileCommand.report(result.stats, failures: [], user: user, to: context.stderr)
    if context.json {
      try context.printJSON(result)
    } else if streaming {
      context.stdout.line()
    } else {
      context.stdout.line(result.review)
    }
  }
}

import DRPEngine
import Foundation

/// `drp embed`: embeds new reviews and updates user vectors in the index.
struct EmbedCommand: Command {
  let name = "embed"
  let summary = "embed new reviews and update the user-vector index"
  let usage = """
    usage: drp embed [--embedder builtin|openai] [--rebuild] [--json]

    Embeds every review without a vector (only new or changed reviews on later runs), recomputes
    the vectors of users whose reviews changed, and saves <home>/users.drpi. Progress on stderr.
      --embedder KIND   builtin (default: hashed TF-IDF, offline) or openai (an OpenAI-compatible
                        /v1/embeddings server: embedder.url / DRP_EMBED_URL, DRP_EMBED_MODEL,
                        DRP_EMBED_API_KEY; embedder.dimension must match the model)
      --rebuild         refit the builtin IDF weights, re-embed every review, rebuild the index
      --json            print the report as one JSON document
    """
  let options: [OptionSpec] = [.value("embedder"), .flag("rebuild"), .json]

  func run(_ context: CommandContext) throws {
    guard context.arguments.positionals.isEmpty else { throw UsageError(description: "embed takes no arguments") }
    var config = context.config
    if let kind = context.arguments.value("embedder") {
      guard ["builtin", "openai"].contains(kind) else {
        throw UsageError(description: "--embedder must be builtin or openai, got '\(kind)'")
      }
      config.embedder.kind = kind
    }
    let rebuild = context.arguments.flag("rebuild")
    try context.requireStore(creating: false)
    let engine = try Engine(home: context.home, config: config, indexLoading: rebuild ? .discard : .require)
    let stderr = context.stderr
    var lastShown = Date.distantPast
    var shown = false
    let report = try engine.embed(rebuild: rebuild) { progress in
      let now = Date()
      guard now.timeIntervalSince(lastShown) >= 1 || progress.done == progress.total else { return }
      lastShown = now
      shown = true
      stderr.write(
        "\rembed: \(progress.phase.rawValue) \(progress.done)/\(progress.total) "
          + String(format: "(%.1f s)   ", progress.seconds))
    }
    if shown { stderr.write("\n") }
    for note in report.notes { stderr.line("drp: note: \(note)") }
    if context.json {
      try context.printJSON(report)
      return
    }
    context.stdout.line(
      """
      embedder:        \(report.embedder)\(report.idfFitted ? " (IDF fitted now)" : "")
      reviews embedded: \(report.reviewsEmbedded)
      users updated:   \(report.usersUpdated)\(report.usersSkipped > 0 ? " (\(report.usersSkipped) without words skipped)" : "")
      users indexed:   \(report.indexedUsers)\(report.indexRebuilt ? " (index rebuilt)" : "")
      time:            \(String(format: "%.2f", report.seconds)) s
      """)
  }
}

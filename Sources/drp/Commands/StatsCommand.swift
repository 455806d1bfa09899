/// `drp stats`: row counts of the store.
struct StatsCommand: Command {
  let name = "stats"
  let summary = "count users, items and reviews in the store"
  let usage = """
    usage: drp stats [--json]

    Prints the number of users, items and reviews in <home>/drp.sqlite.
      --json   print {"items":N,"reviews":N,"users":N}
    """
  let options: [OptionSpec] = [.json]

  func run(_ context: CommandContext) throws {
    guard context.arguments.positionals.isEmpty else { throw UsageError(description: "stats takes no arguments") }
    let stats = try context.store().stats()
    if context.json {
      try context.printJSON(stats)
    } else {
      context.stdout.line("users:   \(stats.users)\nitems:   \(stats.items)\nreviews: \(stats.reviews)")
    }
  }
}

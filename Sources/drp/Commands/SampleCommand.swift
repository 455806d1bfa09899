import DRPSample
import Foundation

/// `drp sample --out DIR`: writes the synthetic data set.
struct SampleCommand: Command {
  let name = "sample"
  let summary = "generate the synthetic sample data set (reviews.jsonl, items.jsonl)"
  let usage = """
    usage: drp sample --out DIR [--users N] [--items N] [--reviews-per-user N] [--seed S]
                      [--format amazon|dpl] [--json]

    Writes DIR/reviews.jsonl and DIR/items.jsonl in the Amazon Reviews 2023 layout: users with
    distinct writing habits reviewing shared items. The same options always give identical files.
    --format dpl writes the same users and items in the DPL benchmark's layout instead:
    DIR/dpl_main.jsonl (per user: the profile = every review but the last, data = the last) and
    DIR/dpl_meta.jsonl (asin, title, description), for `drp import --format dpl`.
      --out DIR               output directory (created)
      --users N               users (default 300)
      --items N               items (default 80)
      --reviews-per-user N    mean reviews per user, each user N-2...N+2 (default 12)
      --seed S                random seed (default 42)
      --format F              amazon (default) or dpl
      --json                  print what was written as one JSON document
    """
  let options: [OptionSpec] = [
    .value("out", short: "o"), .value("users"), .value("items"), .value("reviews-per-user"), .value("seed"),
    .value("format"),
    .json,
  ]

  func run(_ context: CommandContext) throws {
    let args = context.arguments
    guard args.positionals.isEmpty else { throw UsageError(description: "unexpected argument \(args.positionals[0])") }
    guard let out = args.value("out") else { throw UsageError(description: "--out DIR is required") }
    var options = SampleOptions()
    options.users = try args.int("users", default: options.users, in: 1...100_000_000)
    options.items = try args.int("items", default: options.items, in: 1...10_000_000)
    options.reviewsPerUser = try args.int("reviews-per-user", default: options.reviewsPerUser, in: 1...10_000)
    options.seed = UInt64(try args.int("seed", default: Int(options.seed)))
    switch args.value("format") ?? "amazon" {
    case "amazon": break
    case "dpl":
      let summary = try DPLSampleWriter(options: options).write(to: out)
      if context.json {
        try context.printJSON(summary)
      } else {
        context.stdout.line(
          "wrote \(summary.rows) DPL-main rows (\(summary.historyReviews) history reviews) to \(summary.mainPath)\n"
            + "wrote \(summary.items) DPL-meta rows to \(summary.metaPath)")
      }
      return
    case let other: throw UsageError(description: "--format: unknown format '\(other)' (use amazon or dpl)")
    }
    let summary = try SampleGenerator(options: options).write(to: out)
    if context.json {
      try context.printJSON(summary)
    } else {
      context.stdout.line(
        "wrote \(summary.reviews) reviews by \(summary.users) users to \(summary.reviewsPath)\n"
          + "wrote \(summary.items) items to \(summary.itemsPath)")
    }
  }
}

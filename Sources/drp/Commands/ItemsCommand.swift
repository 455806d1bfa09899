import DRPStore
import Foundation

/// `drp items show ID`.
struct ItemsCommand: Command {
  let name = "items"
  let summary = "show an item's metadata and reviews"
  let usage = """
    usage: drp items show ITEM_ID [--limit N] [--json]

      show   the item's metadata, its reviewers and reviews, newest first (--limit: at most N reviews)
      --json print one JSON document
    """
  let options: [OptionSpec] = [.value("limit", short: "n"), .json]

  private struct ShowResult: Encodable {
    var item: Item
    var reviewers: [String]
    var reviews: [Review]
  }

  func run(_ context: CommandContext) throws {
    let args = context.arguments.positionals
    guard args.count == 2, args[0] == "show" else { throw UsageError(description: "expected 'show ITEM_ID'") }
    let limit = try context.arguments.int("limit", default: Int.max, in: 1...Int.max)
    let store = try context.store()
    guard let item = try store.item(args[1]) else { throw RuntimeError(description: "no item '\(args[1])'") }
    let reviews = Array(try store.reviews(ofItem: item.id).reversed().prefix(limit))
    let reviewers = try store.reviewers(ofItem: item.id)
    if context.json {
      try context.printJSON(ShowResult(item: item, reviewers: reviewers, reviews: reviews))
      return
    }
    context.stdout.line("item \(item.id): \(item.title.isEmpty ? "(no title)" : item.title)")
    if !item.categories.isEmpty { context.stdout.line("categories: \(item.categories.joined(separator: " > "))") }
    if !item.description.isEmpty { context.stdout.line(item.description) }
    context.stdout.line("\(reviewers.count) reviewers")
    for review in reviews { context.stdout.line(ReviewText.format(review)) }
  }
}

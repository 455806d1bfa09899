import DRPEngine

/// `drp keys <user> --item <item>`: the user's key samples for an item.
struct KeysCommand: Command {
  let name = "keys"
  let summary = "the user's history items most relevant to an item (key samples)"
  let usage = """
    usage: drp keys <user> --item ITEM [-k K] [--json]

    Lists up to K (default: config pipeline.key_samples) items of <user>'s history that at least
    4 other users reviewed, ranked by BM25 of (review title + item description) against ITEM's
    title and description; ITEM itself is excluded.
      --item ITEM   the target item (required)
      -k K          number of key samples
      --json        print {"keys":[{"item_id":...,"title":...,"score":...,"review_id":...,"other_reviewers":...},...]}
    """
  let options: [OptionSpec] = [.value("item"), .value("k", short: "k"), .json]

  func run(_ context: CommandContext) throws {
    let user = try context.singlePositional("user id")
    guard let item = context.arguments.value("item") else { throw UsageError(description: "--item is required") }
    let k = try context.arguments.int("k", default: context.config.pipeline.keySamples, in: 1...1000)
    let keys = try context.engine().keySamples(user: user, item: item, count: k)
    if context.json {
      try context.printJSON(["keys": keys])
    } else {
      for key in keys {
        context.stdout.line("\(key.itemID)\t\(key.score)\t\(key.otherReviewers)\t\(key.title)")
      }
    }
  }
}

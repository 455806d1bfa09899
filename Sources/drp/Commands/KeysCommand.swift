import DRPCore
import DRPEngine
import DRPReasoning
import Foundation

/// `drp keys <user> --item <item>`: the user's key samples for an item.
struct KeysCommand: Command {
  let name = "keys"
  let summary = "the user's history items most relevant to an item (key samples)"
  let usage = """
    usage: drp keys <user> --item ITEM [--title T] [--preset drp|paper] [-k K] [--json]

    Lists the key samples a target-conditioned profile of <user> for ITEM uses, best first: up to K
    (default pipeline.key_samples) items of <user>'s history that at least min_other_reviewers
    (default 4) other users reviewed, ranked by relevance to the target; ITEM itself is excluded.
    paper: BM25Okapi (the rank_bm25 package's; k1 1.5, b 0.75, epsilon 0.25, IDF over the
    eligible items) of "review title + item description", whitespace tokens, case kept, against
    "T + ITEM's description"; drp: drp's BM25 over words of review title, item title and
    description against T, ITEM's title and description, filled up with less-reviewed items.
      --item ITEM      the target item (required)
      --title T        the target review's title (part of the query)
      --preset P       drp or paper (default pipeline.preset)
      -k K             number of key samples
      --json           print {"keys":[{"item_id":…,"score":…,"title":…,"review_id":…,"other_reviewers":…},…]}
    """
  let options: [OptionSpec] = [.value("item"), .value("title"), .value("preset"), .value("k", short: "k"), .json]

  func run(_ context: CommandContext) throws {
    let user = try context.singlePositional("user id")
    guard let item = context.arguments.value("item") else { throw UsageError(description: "--item is required") }
    let engine = try context.engine()
    var options = try engine.pipelineOptions()
    if let preset = context.arguments.value("preset") {
      do { options = try options.applying(["preset": .string(preset)]) } catch let error as PipelineOptionsError {
        throw UsageError(description: "--preset: \(error.problem)")
      }
    }
    let k = try context.arguments.int("k", default: options.keySamples, in: 1...64)
    let keys = try engine.keySamples(
      user: user, item: item, title: context.arguments.value("title"), options: options, count: k)
    if context.json {
      try context.printJSON(["keys": keys])
    } else {
      for key in keys {
        context.stdout.line("\(key.itemID)\t\(key.score)\t\(key.otherReviewers)\t\(key.title)")
      }
    }
  }
}

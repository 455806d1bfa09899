import DRPStore
import Foundation

/// `drp users show ID` and `drp users list`.
struct UsersCommand: Command {
  let name = "users"
  let summary = "list users, or show one user's reviews"
  let usage = """
    usage: drp users show USER_ID [--limit N] [--json]
           drp users list [--limit N] [--json]

      show   the user, their review count and reviews, newest first (--limit: at most N reviews)
      list   user ids with review counts, sorted by id (--limit: default 100)
      --json print one JSON document
    """
  let options: [OptionSpec] = [.value("limit", short: "n"), .json]

  private struct ShowResult: Encodable {
    var user: User
    var reviews: [Review]
  }

  func run(_ context: CommandContext) throws {
    let args = context.arguments.positionals
    switch (args.first, args.count) {
    case ("show", 2):
      let limit = try context.arguments.int("limit", default: Int.max, in: 1...Int.max)
      let store = try context.store()
      guard let user = try store.user(args[1]) else { throw RuntimeError(description: "no user '\(args[1])'") }
      let reviews = Array(try store.reviews(ofUser: user.id).reversed().prefix(limit))
      if context.json {
        try context.printJSON(ShowResult(user: user, reviews: reviews))
      } else {
        context.stdout.line("user \(user.id): \(user.reviewCount) reviews")
        for review in reviews { context.stdout.line(ReviewText.format(review)) }
      }
    case ("list", 1):
      let limit = try context.arguments.int("limit", default: 100, in: 1...Int.max)
      let users = try context.store().users(limit: limit)
      if context.json {
        try context.printJSON(users)
      } else {
        for user in users { context.stdout.line("\(user.id)\t\(user.reviewCount)") }
      }
    default:
      throw UsageError(description: "expected 'show USER_ID' or 'list'")
    }
  }
}

import DRPEngine
import DRPIndex

/// `drp neighbors <user>`: the most similar users.
struct NeighborsCommand: Command {
  let name = "neighbors"
  let summary = "the users most similar to a user (optionally among an item's reviewers)"
  let usage = """
    usage: drp neighbors <user> [-k K] [--item ITEM] [--json]

    Lists the K (default 10) users whose vectors are closest to <user>'s, best first, the user
    excluded. Needs `drp embed` first.
      -k K          number of neighbours (1...10000)
      --item ITEM   only users who reviewed ITEM
      --json        print {"neighbors":[{"id":...,"score":...},...]}
    """
  let options: [OptionSpec] = [.value("k", short: "k"), .value("item"), .json]

  /// One neighbour in the JSON output.
  private struct Row: Encodable {
    var id: String
    var score: Float
  }

  func run(_ context: CommandContext) throws {
    let user = try context.singlePositional("user id")
    let k = try context.arguments.int("k", default: 10, in: 1...10_000)
    let neighbors = try context.engine().neighbors(user: user, k: k, item: context.arguments.value("item"))
    if context.json {
      try context.printJSON(["neighbors": neighbors.map { Row(id: $0.id, score: $0.score) }])
    } else {
      for neighbor in neighbors { context.stdout.line("\(neighbor.id)\t\(neighbor.score)") }
    }
  }
}

import DRPEngine
import DRPPeers

/// `drp peers <user> --item <item>`: comparable peers among the item's other reviewers.
struct PeersCommand: Command {
  let name = "peers"
  let summary = "choose comparable peers of a user among an item's other reviewers"
  let usage = """
    usage: drp peers <user> --item ITEM [--strategy NAME] [-n N] [--json]

    Chooses up to N peers of <user> among the other reviewers of ITEM. Needs `drp embed` first.
      --item ITEM       the item (required)
      --strategy NAME   \(PeerStrategies.names.joined(separator: "|")) (default: config pipeline.peer_strategy)
      -n N              number of peers (default: config pipeline.peers)
      --json            print {"peers":[{"id":...,"score":...,"review_id":...},...]}
    """
  let options: [OptionSpec] = [.value("item"), .value("strategy"), .value("count", short: "n"), .json]

  /// One peer in the JSON output.
  private struct Row: Encodable {
    var id: String
    var score: Double
    var reviewID: Int64?

    enum CodingKeys: String, CodingKey {
      case id, score
      case reviewID = "review_id"
    }
  }

  func run(_ context: CommandContext) throws {
    let user = try context.singlePositional("user id")
    guard let item = context.arguments.value("item") else { throw UsageError(description: "--item is required") }
    let strategy = context.arguments.value("strategy")
    if let strategy, PeerStrategies.named(strategy) == nil {
      throw UsageError(
        description: "unknown strategy '\(strategy)' (use \(PeerStrategies.names.joined(separator: ", ")))")
    }
    let count = try context.arguments.int("count", default: context.config.pipeline.peers, in: 1...1000)
    let peers = try context.engine().peers(user: user, item: item, strategy: strategy, count: count)
    if context.json {
      try context.printJSON([
        "peers": peers.map { Row(id: $0.id, score: $0.score, reviewID: $0.reviewID.flatMap { Int64($0) }) }
      ])
    } else {
      for peer in peers { context.stdout.line("\(peer.id)\t\(peer.score)\t\(peer.reviewID ?? "-")") }
    }
  }
}

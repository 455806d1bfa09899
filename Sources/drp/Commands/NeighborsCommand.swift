import DRPEngine
import DRPIndex
import Foundation

/// `drp neighbors <id>` / `drp neighbors --vector-file Q`: the most similar ids of the index.
struct NeighborsCommand: Command {
  let name = "neighbors"
  let summary = "the ids most similar to an indexed id, or to each vector of a query file"
  let usage = """
    usage: drp neighbors <id> [-k K] [--item ITEM] [--json]
           drp neighbors --vector-file Q [-k K] [--item ITEM] [--ivecs OUT] [--json]

    Lists the K (default 10) ids of the index whose vectors are closest (cosine) to <id>'s, best
    first, <id> excluded. <id> is any id of the index: a user (after `drp embed`) or a row of the
    vector file given to `drp index build --vectors` (rows without ids are named 0, 1, ...).
    With --vector-file, answers every vector of Q (.npy, .fvecs, .bvecs, or JSONL lines
    {"vector": [...]}) through the batch kernel; progress goes to stderr.
      -k K              number of neighbours (1...10000)
      --item ITEM       only users who reviewed ITEM
      --vector-file Q   query vectors instead of an id
      --ivecs OUT       also write each query's neighbour ids as one row of OUT (.ivecs ground truth
                        for `drp index eval`; the ids must be integers, e.g. rows of a vector file)
      --json            print {"neighbors":[{"id":...,"score":...},...]}; with --vector-file
                        {"results":[{"query":0,"neighbors":[...]},...]}
    Text output: one "id<TAB>score" line per neighbour; with --vector-file one line per query:
    "query<TAB>id:score<TAB>id:score...".
    """
  let options: [OptionSpec] = [.value("k", short: "k"), .value("item"), .value("vector-file"), .value("ivecs"), .json]

  /// Queries answered per batch call (progress is reported after each).
  static let chunk = 1024

  /// One neighbour in the JSON output.
  private struct Row: Encodable {
    var id: String
    var score: Float
  }

  /// One query's result in the `--vector-file --json` output.
  private struct QueryResult: Encodable {
    var query: Int
    var neighbors: [Row]
  }

  func run(_ context: CommandContext) throws {
    let k = try context.arguments.int("k", default: 10, in: 1...10_000)
    let item = context.arguments.value("item")
    if let queryFile = context.arguments.value("vector-file") {
      if let extra = context.arguments.positionals.first {
        throw UsageError(description: "give an id or --vector-file, not both (unexpected argument '\(extra)')")
      }
      try answerFile(queryFile, k: k, item: item, context: context)
      return
    }
    guard context.arguments.value("ivecs") == nil else { throw UsageError(description: "--ivecs needs --vector-file") }
    let id = try context.singlePositional("id (or --vector-file)")
    let neighbors = try context.engine().neighbors(user: id, k: k, item: item)
    if context.json {
      try context.printJSON(["neighbors": neighbors.map { Row(id: $0.id, score: $0.score) }])
    } else {
      for neighbor in neighbors { context.stdout.line("\(neighbor.id)\t\(neighbor.score)") }
    }
  }

  private func answerFile(_ path: String, k: Int, item: String?, context: CommandContext) throws {
    let queries = try VectorFileReader.read(path: path)
    let engine = try context.engine()
    let dimension = engine.index.dimension
    guard queries.dimension == dimension else {
      throw EngineError(
        .invalidArgument, "\(path): the queries have dimension \(queries.dimension) but the index has \(dimension)")
    }
    let started = Date()
    var answers: [[Neighbor]] = []
    answers.reserveCapacity(queries.count)
    var first = 0
    while first < queries.count {
      let end = min(first + Self.chunk, queries.count)
      let batch = (first..<end).map { NeighborsQuery(.vector(queries.vector($0)), k: k, item: item) }
      for (offset, result) in engine.neighbors(batch: batch).enumerated() {
        do {
          answers.append(try result.get())
        } catch {
          throw EngineError(.invalidArgument, "\(path): query \(first + offset): \(error)")
        }
      }
      first = end
      if queries.count > Self.chunk {
        context.stderr.line(
          "neighbors: \(end)/\(queries.count) queries" + String(format: " (%.1f s)", Date().timeIntervalSince(started)))
      }
    }
    if let ivecs = context.arguments.value("ivecs") { try writeIvecs(answers, k: k, to: ivecs) }
    if context.json {
      try context.printJSON([
        "results": answers.enumerated().map {
          QueryResult(query: $0, neighbors: $1.map { Row(id: $0.id, score: $0.score) })
        }
      ])
    } else {
      for (query, list) in answers.enumerated() {
        context.stdout.line(([String(query)] + list.map { "\($0.id):\($0.score)" }).joined(separator: "\t"))
      }
    }
  }

  /// Writes the neighbour ids as `.ivecs` rows of `k` integers.
  private func writeIvecs(_ answers: [[Neighbor]], k: Int, to path: String) throws {
    var rows: [[Int32]] = []
    rows.reserveCapacity(answers.count)
    for (query, list) in answers.enumerated() {
      guard list.count == k else {
        throw EngineError(
          .invalidArgument,
          "cannot write \(path): query \(query) has \(list.count) neighbours, fewer than k = \(k) (every .ivecs row has k)"
        )
      }
      rows.append(
        try list.map { neighbor in
          guard let number = Int32(neighbor.id) else {
            throw EngineError(
              .invalidArgument, "cannot write \(path): id '\(neighbor.id)' is not an integer (.ivecs holds row numbers)"
            )
          }
          return number
        })
    }
    try VectorFileWriter.writeIntegerRows(rows, to: path)
  }
}

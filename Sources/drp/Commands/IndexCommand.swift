import DRPEngine
import DRPIndex
import Foundation

/// `drp index build|info|eval`: (re)builds, describes or evaluates the user-vector index.
struct IndexCommand: Command {
  let name = "index"
  let summary = "build, inspect or evaluate the vector index (users.drpi)"
  let usage = """
    usage: drp index build [--vectors FILE [--ids FILE]] [--json]
           drp index info [--verify] [--json]
           drp index eval --queries Q --truth GT.ivecs [-k K] [--single N] [--json]

    build   without --vectors: rebuild the index from the stored review vectors (no embedding);
            with --vectors: load vectors from FILE (.fvecs, .bvecs, .npy, or .jsonl lines
            {"id": "...", "vector": [...]}); rows without ids are named 0, 1, ...; --ids FILE
            names fvecs/bvecs/npy rows, one id per line
    info    count, dimension, size and embedder of the index; --verify checksums the whole file
    eval    recall@K (default 10) of the index on the query vectors Q (.npy, .fvecs, .bvecs,
            .jsonl) against the true neighbours GT.ivecs (one row of ids per query, ids matched
            to index ids as decimal numbers), single-query p50/p99 latency over the first N
            queries (default up to 1000) and batch throughput over all, for the float32 index
            and an int8 copy of it
      --json   print one JSON document
    """
  let options: [OptionSpec] = [
    .value("vectors"), .value("ids"), .flag("verify"), .value("queries"), .value("truth"), .value("k", short: "k"),
    .value("single"), .json,
  ]

  /// `drp index info --json`.
  private struct InfoOutput: Encodable {
    var stats: EngineStats
    var tombstones: Int
    var verified: Bool?
  }

  func run(_ context: CommandContext) throws {
    let action = try context.singlePositional("action (build or info)")
    switch action {
    case "build": try build(context)
    case "info": try info(context)
    case "eval": try evaluate(context)
    default: throw UsageError(description: "unknown index action '\(action)' (use build, info or eval)")
    }
  }

  /// Fails when an option of another action was given.
  private func reject(_ names: [String], in action: String, _ context: CommandContext) throws {
    for name in names where context.arguments.value(name) != nil || context.arguments.flag(name) {
      throw UsageError(description: "--\(name) does not belong to `drp index \(action)`")
    }
  }

  private func build(_ context: CommandContext) throws {
    let arguments = context.arguments
    try reject(["queries", "truth", "k", "single"], in: "build", context)
    guard !arguments.flag("verify") else { throw UsageError(description: "--verify belongs to `drp index info`") }
    if arguments.value("ids") != nil && arguments.value("vectors") == nil {
      throw UsageError(description: "--ids needs --vectors")
    }
    let engine = try context.engine(indexLoading: .discard, creating: true)
    let report: IndexBuildReport
    if let vectors = arguments.value("vectors") {
      report = try engine.buildIndex(vectorsAt: vectors, idsPath: arguments.value("ids"))
    } else {
      report = try engine.rebuildIndex()
    }
    if context.json {
      try context.printJSON(report)
    } else {
      context.stdout.line(
        "indexed \(report.count) vectors of dimension \(report.dimension) from \(report.source)"
          + (report.skipped > 0 ? " (\(report.skipped) zero vectors skipped)" : "")
          + String(format: " in %.2f s", report.seconds))
    }
  }

  private func info(_ context: CommandContext) throws {
    let arguments = context.arguments
    try reject(["queries", "truth", "k", "single"], in: "info", context)
    guard arguments.value("vectors") == nil, arguments.value("ids") == nil else {
      throw UsageError(description: "--vectors and --ids belong to `drp index build`")
    }
    let engine = try context.engine()
    let verify = arguments.flag("verify")
    if verify { try engine.verifyIndex() }
    let stats = try engine.stats()
    let tombstones = engine.index.info().tombstones
    if context.json {
      try context.printJSON(InfoOutput(stats: stats, tombstones: tombstones, verified: verify ? true : nil))
      return
    }
    context.stdout.line(
      """
      index:      \(stats.indexPath)
      users:      \(stats.indexedUsers) (\(tombstones) deleted rows)
      dimension:  \(stats.dimension)
      bytes:      \(stats.indexBytes)
      embedder:   \(stats.embedder ?? "none (run `drp embed`)")\(stats.indexStale ? " (stale: run `drp embed`)" : "")
      review vectors: \(stats.reviewVectors) of \(stats.store.reviews) reviews
      """ + (verify ? "\nchecksums:  ok" : ""))
  }
}

extension IndexCommand {
  /// `drp index eval --json`.
  private struct EvalOutput: Encodable {
    var k: Int
    var queries: Int
    var singleQueries: Int
    var dimension: Int
    var indexVectors: Int
    var float32: IndexEvaluation.Figures
    var int8: IndexEvaluation.Figures

    enum CodingKeys: String, CodingKey {
      case k, queries, dimension, float32, int8
      case singleQueries = "single_queries"
      case indexVectors = "index_vectors"
    }
  }

  private func evaluate(_ context: CommandContext) throws {
    try reject(["vectors", "ids", "verify"], in: "eval", context)
    guard let queriesPath = context.arguments.value("queries") else {
      throw UsageError(description: "eval needs --queries Q")
    }
    guard let truthPath = context.arguments.value("truth") else {
      throw UsageError(description: "eval needs --truth GT.ivecs")
    }
    let k = try context.arguments.int("k", default: 10, in: 1...10_000)
    let single = try context.arguments.int("single", default: 1000, in: 1...Int.max)
    let index = try context.engine().index
    guard index.count > 0 else { throw EngineError(.unavailable, "the index is empty: run `drp index build` first") }
    let queries = try VectorFileReader.read(path: queriesPath)
    guard queries.dimension == index.dimension else {
      throw VectorFileError(
        path: queriesPath,
        reason: "the queries have dimension \(queries.dimension) but the index has \(index.dimension)")
    }
    let truth = try VectorFileReader.readIntegerRows(path: truthPath)
    try IndexEvaluation.check(truth: truth, truthPath: truthPath, queries: queries, k: k, index: index)
    let singleCount = min(single, queries.count)
    context.stderr.line("eval: float32 (\(queries.count) queries, \(singleCount) timed alone)")
    let exact = try IndexEvaluation.measure(
      index: index, queries: queries, truth: truth, k: k, singleQueries: singleCount)
    context.stderr.line("eval: int8 copy")
    let int8 = try IndexEvaluation.measure(
      index: index.quantizedCopy(), queries: queries, truth: truth, k: k, singleQueries: singleCount)
    let output = EvalOutput(
      k: k, queries: queries.count, singleQueries: singleCount, dimension: index.dimension, indexVectors: index.count,
      float32: exact, int8: int8)
    if context.json {
      try context.printJSON(output)
      return
    }
    context.stdout.line(
      "index: \(index.count) vectors, dimension \(index.dimension); \(queries.count) queries, k = \(k) "
        + "(single-query times over \(singleCount))")
    context.stdout.line("variant  recall@\(k)  single_p50_ms  single_p99_ms  batch_qps")
    for (name, figures) in [("float32", exact), ("int8", int8)] {
      context.stdout.line(
        name.padding(toLength: 9, withPad: " ", startingAt: 0)
          + String(
            format: "%-10.4f %-14.3f %-14.3f %.1f", figures.recall, figures.singleP50Ms, figures.singleP99Ms,
            figures.batchQPS))
    }
  }
}

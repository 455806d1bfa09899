import DRPEngine
import DRPIndex
import Foundation

/// `drp index build|info`: (re)builds or describes the user-vector index.
struct IndexCommand: Command {
  let name = "index"
  let summary = "build or inspect the user-vector index (users.drpi)"
  let usage = """
    usage: drp index build [--vectors FILE [--ids FILE]] [--json]
           drp index info [--verify] [--json]

    build   without --vectors: rebuild the index from the stored review vectors (no embedding);
            with --vectors: load user vectors from FILE (.fvecs, .npy, or .jsonl lines
            {"id": "...", "vector": [...]}); --ids FILE names fvecs/npy rows, one id per line
    info    count, dimension, size and embedder of the index; --verify checksums the whole file
      --json   print one JSON document
    """
  let options: [OptionSpec] = [.value("vectors"), .value("ids"), .flag("verify"), .json]

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
    default: throw UsageError(description: "unknown index action '\(action)' (use build or info)")
    }
  }

  private func build(_ context: CommandContext) throws {
    let arguments = context.arguments
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

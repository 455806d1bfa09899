// drp-bench: benchmarks recorded in BENCHMARKS.md. Subcommands are added by each issue.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let rest = Array(arguments.dropFirst())
do {
  switch arguments.first {
  case "import": try runImportBenchmark(rest)
  case "embedder": exit(EmbedderBenchmark.run(rest))
  case "index": try runIndexBenchmark(rest)
  case "scan": try ScanBenchmark.run(rest)
  case "server": try ServerBenchmark.run(rest)
  case "peers": try PeersBenchmark.run(rest)
  case "pipeline": try PipelineBenchmark.run(rest)
  case "metrics": try MetricsBenchmark.run(rest)
  case "soak": try SoakBenchmark.run(rest)
  case "soak-check": try SoakBenchmark.check(rest)
  default:
    FileHandle.standardError.write(
      Data(
        "usage: drp-bench <benchmark> [options]\nbenchmarks: import, embedder, index, scan, peers, pipeline, metrics, server, soak, soak-check\n"
          .utf8))
    exit(2)
  }
} catch {
  FileHandle.standardError.write(Data("drp-bench: error: \(error)\n".utf8))
  exit(1)
}

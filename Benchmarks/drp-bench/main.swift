// drp-bench: benchmarks recorded in BENCHMARKS.md. Subcommands are added by each issue.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  switch arguments.first {
  case "index": try runIndexBenchmark(Array(arguments.dropFirst()))
  default:
    FileHandle.standardError.write(Data("usage: drp-bench <benchmark> [options]\n  benchmarks: index\n".utf8))
    exit(2)
  }
} catch {
  FileHandle.standardError.write(Data("drp-bench: \(error)\n".utf8))
  exit(1)
}

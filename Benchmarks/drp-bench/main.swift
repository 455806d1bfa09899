// drp-bench: benchmarks recorded in BENCHMARKS.md. Subcommands are added by each issue.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "embedder": exit(EmbedderBenchmark.run(Array(arguments.dropFirst())))
default:
  FileHandle.standardError.write(Data("usage: drp-bench <benchmark> [options]\n".utf8))
  exit(2)
}

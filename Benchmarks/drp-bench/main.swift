// drp-bench: benchmarks recorded in BENCHMARKS.md. Subcommands are added by each issue.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
do {
  switch arguments.first {
  case "import": try runImportBenchmark(Array(arguments.dropFirst()))
  default:
    FileHandle.standardError.write(Data("usage: drp-bench <benchmark> [options]\nbenchmarks: import\n".utf8))
    exit(2)
  }
} catch {
  FileHandle.standardError.write(Data("drp-bench: error: \(error)\n".utf8))
  exit(1)
}

// drp-bench: benchmarks recorded in BENCHMARKS.md. Subcommands are added by each issue.
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
FileHandle.standardError.write(Data("usage: drp-bench <benchmark> [options]\n".utf8))
exit(arguments.isEmpty ? 2 : 2)

// drp command-line tool: see CLI.swift for dispatch and Commands/ for each command.
import Foundation

if let problem = CPUCheck.problem() {
  FileHandle.standardError.write(Data("drp: error: \(problem)\n".utf8))
  exit(1)
}
exit(CLI.run(Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))

import Foundation

/// The open file descriptors of a process, read from `/proc/PID/fd`, for leak checks.
///
/// The two pipes ThreadSanitizer opens to its `llvm-symbolizer` child are left out: it starts that
/// child when it first symbolizes a stack (to match scripts/tsan.supp's suppressions), at a random
/// moment of a test, so counts taken before and after agree under `scripts/tsan.sh` too. Without
/// TSan there is no such child.
public enum OpenDescriptors {
  /// Each descriptor of `process` ("self" or a pid) and what it refers to (`7 -> socket:[1234]`).
  public static func targets(of process: String = "self") -> Set<String> {
    let files = FileManager.default
    let names = (try? files.contentsOfDirectory(atPath: "/proc/\(process)/fd")) ?? []
    let ignored = symbolizerPipes(of: process)
    return Set(
      names.compactMap { name in
        let target = (try? files.destinationOfSymbolicLink(atPath: "/proc/\(process)/fd/\(name)")) ?? "?"
        return ignored.contains(target) ? nil : "\(name) -> \(target)"
      })
  }

  /// How many descriptors `process` has open (see `targets(of:)`), or -1 when it cannot be read.
  public static func count(of process: String = "self") -> Int {
    let targets = targets(of: process)
    return targets.isEmpty ? -1 : targets.count
  }

  /// The pipes (`pipe:[inode]`) on the standard input and output of `process`'s
  /// `llvm-symbolizer` children.
  private static func symbolizerPipes(of process: String) -> Set<String> {
    let files = FileManager.default
    let tasks = (try? files.contentsOfDirectory(atPath: "/proc/\(process)/task")) ?? []
    var pipes: Set<String> = []
    for task in tasks {
      let children = (try? String(contentsOfFile: "/proc/\(process)/task/\(task)/children", encoding: .utf8)) ?? ""
      for child in children.split(separator: " ") {
        let name = (try? String(contentsOfFile: "/proc/\(child)/comm", encoding: .utf8)) ?? ""
        guard name.hasPrefix("llvm-symbolizer") else { continue }
        for fd in [0, 1] {
          if let target = try? files.destinationOfSymbolicLink(atPath: "/proc/\(child)/fd/\(fd)"),
            target.hasPrefix("pipe:")
          {
            pipes.insert(target)
          }
        }
      }
    }
    return pipes
  }
}

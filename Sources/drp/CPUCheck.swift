import Foundation

/// The vector code is compiled for x86-64-v3 (AVX2 + FMA); on an older CPU it would die with SIGILL.
enum CPUCheck {
  /// A message when the CPU lacks a required feature, nil when it is fine or cannot be determined.
  static func problem() -> String? {
    #if arch(x86_64) && os(Linux)
      guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
      else { return nil }
      let flags = Set(flagsLine.split(separator: " ").map(String.init))
      let missing = ["avx2", "fma"].filter { !flags.contains($0) }
      return missing.isEmpty ? nil : "this CPU lacks \(missing.joined(separator: ", ")); drp needs an x86-64-v3 CPU"
    #else
      return nil
    #endif
  }
}

import Foundation

/// Facts about the BLAS library actually loaded, looked up at run time so the module builds and
/// runs against both OpenBLAS and the reference BLAS.
public enum BLASRuntime {
  private static let setThreads: Void = {
    typealias SetThreads = @convention(c) (Int32) -> Void
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "openblas_set_num_threads") {
      unsafeBitCast(symbol, to: SetThreads.self)(1)
    }
  }()

  /// Makes OpenBLAS run each call on the calling thread (DRPIndex parallelises across rows itself).
  static func useSingleThreadedCalls() { setThreads }

  /// The shared library serving BLAS in this process (from /proc/self/maps), e.g.
  /// "libopenblasp-r0.3.21.so", or "unknown".
  public static var libraryName: String {
    guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return "unknown" }
    let names = Set(
      maps.split(separator: "\n").compactMap { line -> String? in
        guard let path = line.split(separator: " ").last, path.contains("blas") else { return nil }
        return String(path.split(separator: "/").last ?? path)
      })
    return names.isEmpty ? "unknown" : names.sorted().joined(separator: ", ")
  }
}

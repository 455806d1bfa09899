import Foundation

/// Facts about the BLAS library actually loaded, looked up at run time so the module builds and
/// runs against both OpenBLAS and the reference BLAS.
public enum BLASRuntime {
  private static let setThreads: Void = {
    typealias SetThreads = @convention(c) (Int32) -> Void
    if let symbol = dlsym(defaultHandle, "openblas_set_num_threads") {
      unsafeBitCast(symbol, to: SetThreads.self)(1)
    }
  }()

  /// Makes OpenBLAS run each call on the calling thread (DRPIndex parallelises across rows itself).
  static func useSingleThreadedCalls() { setThreads }

  /// `dlsym`'s handle for "search the global scope".
  private static var defaultHandle: UnsafeMutableRawPointer? { UnsafeMutableRawPointer(bitPattern: 0) }

  /// The real path (symbolic links resolved when possible) of the shared library that defines
  /// the `cblas_sgemm` this process calls, or nil when the symbol or its library cannot be found.
  /// On Debian the `libblas.so.3` alternatives link resolves to, e.g.,
  /// `/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3`.
  public static var libraryPath: String? {
    guard let symbol = dlsym(defaultHandle, "cblas_sgemm"), let loadedName = loadedFile(of: symbol) else {
      return nil
    }
    guard let resolved = realpath(loadedName, nil) else { return loadedName }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// The file name under which the object holding `address` was loaded, from `dladdr(3)`. Glibc
  /// declares `dladdr` and `Dl_info` only under `_GNU_SOURCE`, so Swift does not import them: the
  /// function is looked up with `dlsym` and `Dl_info` (four pointers, file name first) mirrored.
  private static func loadedFile(of address: UnsafeRawPointer) -> String? {
    typealias SymbolAddress = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?) -> Int32
    typealias SymbolInfo = (
      fileName: UnsafePointer<CChar>?, fileBase: UnsafeRawPointer?, symbolName: UnsafePointer<CChar>?,
      symbolAddress: UnsafeRawPointer?
    )
    guard let function = dlsym(defaultHandle, "dladdr") else { return nil }
    var info: SymbolInfo = (nil, nil, nil, nil)
    let found = withUnsafeMutableBytes(of: &info) {
      unsafeBitCast(function, to: SymbolAddress.self)(address, $0.baseAddress)
    }
    guard found != 0, let fileName = info.fileName else { return nil }
    return String(cString: fileName)
  }

  /// The BLAS serving this process as `family:path`, e.g.
  /// `openblas:/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3` (see `family(ofLibraryAt:)`
  /// for the families), or `unknown` when `libraryPath` is nil.
  public static var libraryName: String {
    guard let path = libraryPath else { return "unknown" }
    return "\(family(ofLibraryAt: path)):\(path)"
  }

  /// The BLAS implementation a library path belongs to, from its file name and folder:
  /// `openblas`, `mkl`, `blis`, `flexiblas`, `atlas`, `accelerate`, `reference` (a plain
  /// `libblas`/`libcblas` outside those folders: the netlib reference BLAS, e.g. Debian's
  /// `/usr/lib/x86_64-linux-gnu/blas/libblas.so.3`), or `unknown`.
  static func family(ofLibraryAt path: String) -> String {
    let components = path.lowercased().split(separator: "/")
    guard let file = components.last else { return "unknown" }
    if components.contains(where: { $0.hasPrefix("accelerate.framework") || $0.hasPrefix("veclib.framework") }) {
      return "accelerate"
    }
    let prefixes = [
      ("libopenblas", "openblas"), ("libmkl", "mkl"), ("libblis", "blis"), ("libflexiblas", "flexiblas"),
      ("libatlas", "atlas"), ("libsatlas", "atlas"), ("libtatlas", "atlas"),
    ]
    if let (_, family) = prefixes.first(where: { file.hasPrefix($0.0) }) { return family }
    guard file.hasPrefix("libblas.") || file.hasPrefix("libcblas.") else { return "unknown" }
    let folder = components.count > 1 ? components[components.count - 2] : ""
    for family in ["openblas", "blis", "atlas", "mkl"] where folder.contains(family) { return family }
    return "reference"
  }
}

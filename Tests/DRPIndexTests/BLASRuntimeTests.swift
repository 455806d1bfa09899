import Foundation
import XCTest

@testable import DRPIndex

/// `BLASRuntime`: which BLAS serves `cblas_sgemm` here, and the path rules that name it.
final class BLASRuntimeTests: XCTestCase {
  /// The files mapped into this process, read from /proc/self/maps to its end (it is larger than
  /// one page in a test process), as the kernel names them (symbolic links resolved).
  private func mappedFiles() throws -> Set<String> {
    let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/maps"))
    defer { try? handle.close() }
    var data = Data()
    for _ in 0..<4096 {
      guard let chunk = try handle.read(upToCount: 65_536), !chunk.isEmpty else { break }
      data += chunk
    }
    return Set(
      String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
        line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).first.map(String.init)
      }.filter { $0.hasPrefix("/") })
  }

  func testLoadedOpenBLASIsNamed() throws {
    guard FileManager.default.fileExists(atPath: "/proc/self/maps") else {
      throw XCTSkip("no /proc/self/maps on this system to tell which BLAS is loaded")
    }
    let files = try mappedFiles()
    guard files.contains(where: { $0.lowercased().contains("openblas") }) else {
      let blas = files.filter { $0.lowercased().contains("blas") }.sorted()
      throw XCTSkip("the loaded BLAS is not OpenBLAS (mapped: \(blas)); this test checks the OpenBLAS case")
    }
    let path = try XCTUnwrap(BLASRuntime.libraryPath, "cblas_sgemm should resolve to a loaded library")
    XCTAssertTrue(files.contains(path), "\(path) should be one of the mapped files")
    XCTAssertEqual(URL(fileURLWithPath: path).resolvingSymlinksInPath().path, path, "the path is resolved")
    XCTAssertNotEqual(BLASRuntime.libraryName, "unknown")
    XCTAssertEqual(BLASRuntime.libraryName, "openblas:\(path)")
  }

  func testLibraryPathsAreRecognised() {
    let cases: [(String, String)] = [
      ("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3", "openblas"),
      ("/usr/lib/x86_64-linux-gnu/openblas-openmp/libcblas.so.3", "openblas"),
      ("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so", "openblas"),
      ("/usr/lib64/libopenblas.so.0", "openblas"),
      ("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", "reference"),
      ("/usr/lib64/libcblas.so.3", "reference"),
      ("libblas.so.3", "reference"),
      ("/usr/lib/x86_64-linux-gnu/atlas/libblas.so.3", "atlas"),
      ("/usr/lib/x86_64-linux-gnu/libtatlas.so.3", "atlas"),
      ("/usr/lib/x86_64-linux-gnu/blis-pthread/libblas.so.3", "blis"),
      ("/usr/lib/libblis.so.4", "blis"),
      ("/opt/intel/oneapi/mkl/2024.0/lib/libmkl_rt.so.2", "mkl"),
      ("/usr/lib64/libflexiblas.so.3", "flexiblas"),
      (
        "/System/Library/Frameworks/Accelerate.framework/Versions/A/Frameworks/"
          + "vecLib.framework/Versions/A/libBLAS.dylib",
        "accelerate"
      ),
      ("/home/openblas-fan/lib/libsomething.so", "unknown"),
      ("/usr/lib/libblast.so", "unknown"),
      ("/usr/bin/drp", "unknown"),
      ("/", "unknown"),
      ("", "unknown"),
    ]
    for (path, family) in cases {
      XCTAssertEqual(BLASRuntime.family(ofLibraryAt: path), family, path)
    }
  }
}

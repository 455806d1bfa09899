// drp-fuzz: libFuzzer driver (built with -sanitize=fuzzer -DDRP_LIBFUZZER by scripts/fuzz.sh)
// or, in a normal build, a replayer of inputs (crashers, corpus files).
import DRPFuzzTargets
import Foundation

/// The target of this process: `DRP_FUZZ_TARGET` (libFuzzer owns the command line).
let selectedTarget = FuzzTarget(rawValue: ProcessInfo.processInfo.environment["DRP_FUZZ_TARGET"] ?? "")

/// libFuzzer's entry point: one input for the selected target.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  selectedTarget?.run(UnsafeBufferPointer(start: data, count: size))
  return 0
}

#if DRP_LIBFUZZER
  /// libFuzzer's driver, for programs with their own `main`.
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt
#endif

/// `DRP_FUZZ_TARGET=T drp-fuzz [libFuzzer options] [CORPUS...]` when built for libFuzzer;
/// `drp-fuzz TARGET FILE|DIRECTORY...` (replay every input, exit 0 when none crashes) otherwise.
@main
struct DRPFuzz {
  static func main() {
    #if DRP_LIBFUZZER
      guard selectedTarget != nil else {
        fail("set DRP_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      exit(runFuzzerDriver(&argc, &argv, fuzzOneInput))
    #else
      let arguments = Array(CommandLine.arguments.dropFirst())
      guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
        let targets = FuzzTarget.allCases.map { "  \($0.rawValue): \($0.summary)" }.joined(separator: "\n")
        fail("usage: drp-fuzz TARGET FILE|DIRECTORY...\ntargets:\n\(targets)")
      }
      var count = 0
      for path in arguments.dropFirst() {
        for file in inputs(at: path) {
          guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
          data.withUnsafeBytes { target.run($0.bindMemory(to: UInt8.self)) }
          count += 1
        }
      }
      print("\(target.rawValue): \(count) inputs replayed without a crash")
    #endif
  }

  /// The file, or the regular files inside the directory (sorted).
  static func inputs(at path: String) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { fail("no such file: \(path)") }
    guard isDirectory.boolValue else { return [path] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.sorted().map { (path as NSString).appendingPathComponent($0) }.filter {
      var nested: ObjCBool = false
      return FileManager.default.fileExists(atPath: $0, isDirectory: &nested) && !nested.boolValue
    }
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
  }
}

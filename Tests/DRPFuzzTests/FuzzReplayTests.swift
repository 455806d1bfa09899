import DRPFuzzTargets
import DRPTestSupport
import Foundation
import XCTest

/// Every saved fuzz input runs through its target without a crash: the seed corpus
/// (`Fuzz/corpus/TARGET/`) and every crasher `scripts/fuzz.sh` found (`Fuzz/crashers/TARGET/`),
/// which thereby stay regression tests after their fix.
final class FuzzReplayTests: XCTestCase {
  func testSavedInputsReplayWithoutACrash() throws {
    let root = TestSupport.packageRoot.appendingPathComponent("Fuzz")
    var replayed: [String: Int] = [:]
    for target in FuzzTarget.allCases {
      for kind in ["corpus", "crashers"] {
        let directory = root.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
          let data = try Data(contentsOf: directory.appendingPathComponent(name))
          data.withUnsafeBytes { target.run($0.bindMemory(to: UInt8.self)) }
          replayed[target.rawValue, default: 0] += 1
        }
      }
    }
    for target in FuzzTarget.allCases {
      XCTAssertGreaterThan(replayed[target.rawValue] ?? 0, 0, "no seed inputs for \(target.rawValue)")
    }
  }
}

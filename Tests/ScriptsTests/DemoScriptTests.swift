import DRPTestSupport
import Foundation
import XCTest

/// `scripts/demo.sh`, README's main job, end to end with the tests' drp binary (no release
/// build) and no model: every step runs and the server stops cleanly.
final class DemoScriptTests: XCTestCase {
  func testTheMainJobRunsOffline() throws {
    let dir = try TemporaryDirectory("drp-demo")
    let script = TestSupport.packageRoot.appendingPathComponent("scripts/demo.sh")
    let result = try runProcess(
      script, [],
      environment: [
        "DRP_DEMO_BIN": TestSupport.drpBinary.path, "DRP_DEMO_DIR": dir.url.path, "DRP_LLM_URL": "",
        "DRP_REASONER_URL": "", "DRP_EMBED_URL": "", "DRP_CONFIG": "", "DRP_HOME": "",
      ], timeout: 300)
    XCTAssertEqual(result.status, 0, result.stderr)
    for line in [
      "neighbors of ", "peers of ", "difference profile of ", "review ", "listening unix ",
      "> drp call neighbors", "> drp call generate", "drp serve stopped (exit status 0)",
    ] {
      XCTAssertTrue(result.stdout.contains(line), "missing '\(line)' in:\n\(result.stdout)\n\(result.stderr)")
    }
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir.url.appendingPathComponent("demo/drp.sock").path))
  }
}

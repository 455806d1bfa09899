import DRPTestSupport
import Foundation
import XCTest

/// `scripts/check-manifest.sh` on this repository and on tiny fake packages written to a temporary
/// directory: it passes when the dependencies equal the imports and names the target and module
/// when one is missing or extra.
final class CheckManifestTests: XCTestCase {
  private var script: URL { TestSupport.packageRoot.appendingPathComponent("scripts/check-manifest.sh") }

  /// A fake package: `Base`, `Extra` and `App` targets and a `CFake` system library; `App` declares
  /// `dependencies` and its one file holds `appSource`.
  private func fakePackage(dependencies: String, appSource: String) throws -> TemporaryDirectory {
    let dir = try TemporaryDirectory("drp-manifest")
    let manifest = """
      // swift-tools-version:6.0
      import PackageDescription

      // A fake package for CheckManifestTests. ("dependencies: [" in a comment is ignored.)
      let package = Package(
        name: "fake",
        targets: [
          .systemLibrary(name: "CFake", path: "Sources/CFake"),
          .target(name: "Base"),
          .target(name: "Extra", path: "Other/Extra"),
          .target(name: "App", dependencies: \(dependencies)),
          .executableTarget(name: "tool", dependencies: ["Base"]),
          .testTarget(name: "AppTests", dependencies: ["App", "tool"]),
        ]
      )
      """
    let files = [
      "Package.swift": manifest,
      "Sources/CFake/module.modulemap": "module CFake { header \"shim.h\" }\n",
      "Sources/Base/Base.swift": "public let base = 1\n",
      "Other/Extra/Extra.swift": "import Foundation\npublic let extra = 2\n",
      "Sources/App/App.swift": appSource,
      "Sources/tool/main.swift": "import Base\nprint(base)\n",
      "Tests/AppTests/AppTests.swift": "@testable import App\nimport XCTest\n",
    ]
    for (path, text) in files {
      let url = dir.url.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return dir
  }

  private func check(_ dir: URL) throws -> ProcessResult {
    try runProcess(script, [dir.path])
  }

  func testThisRepositoryPasses() throws {
    let result = try runProcess(script, [])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("dependencies match the imports"), result.stdout)
  }

  func testMatchingFakePackagePasses() throws {
    let dir = try fakePackage(
      dependencies: #"["Base", .target(name: "Extra"), "CFake"]"#,
      appSource: "import Base\n@_implementationOnly import Extra\nimport struct CFake.Thing\nimport Foundation\n")
    let result = try check(dir.url)
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("6 targets"), result.stdout)
  }

  func testMissingAndExtraDependenciesFailNamingTargetAndModule() throws {
    // App imports CFake without declaring it and declares Extra, which it only names in a comment
    // and a string.
    let dir = try fakePackage(
      dependencies: #"["Base", "Extra"]"#,
      appSource: """
        import Base
        import CFake
        // import Extra
        /* import Extra */
        let text = \"\"\"
          import Extra
          \"\"\"
        """)
    let result = try check(dir.url)
    XCTAssertEqual(result.status, 1, result.stdout)
    XCTAssertTrue(
      result.stderr.contains("App: imports CFake (Sources/App/App.swift) but does not declare it"), result.stderr)
    XCTAssertTrue(
      result.stderr.contains("App: declares a dependency on Extra but no file of Sources/App imports it"),
      result.stderr)
    XCTAssertFalse(result.stderr.contains("Base"), "Base is declared and imported: \(result.stderr)")
    XCTAssertFalse(
      result.stderr.contains("AppTests"), "a dependency on an executable needs no import: \(result.stderr)")
  }

  func testAnUndeclaredTestSupportImportFails() throws {
    let dir = try fakePackage(dependencies: #"["Base"]"#, appSource: "import Base\n")
    try "@testable import App\nimport Extra\nimport XCTest\n".write(
      to: dir.url.appendingPathComponent("Tests/AppTests/AppTests.swift"), atomically: true, encoding: .utf8)
    let result = try check(dir.url)
    XCTAssertEqual(result.status, 1, result.stdout)
    XCTAssertTrue(result.stderr.contains("AppTests: imports Extra"), result.stderr)
  }

  func testAManifestItCannotReadIsAnError() throws {
    let dir = try fakePackage(dependencies: "appDependencies", appSource: "import Base\n")
    let result = try check(dir.url)
    XCTAssertEqual(result.status, 2, result.stdout)
    XCTAssertTrue(result.stderr.contains("dependencies of App is not a list literal"), result.stderr)
  }
}

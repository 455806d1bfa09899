import DRPTestSupport
import Foundation
import XCTest

final class CLITests: XCTestCase {
  private func writeSample(_ dir: TemporaryDirectory, users: Int = 30) throws -> (reviews: String, items: String) {
    let result = try drp(home: dir.url, ["sample", "--out", dir.path("sample"), "--users", "\(users)", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try XCTUnwrap(try result.json() as? [String: Any])
    return (try XCTUnwrap(json["reviews_path"] as? String), try XCTUnwrap(json["items_path"] as? String))
  }

  func testHelpAndUsageErrors() throws {
    let dir = try TemporaryDirectory()
    let help = try drp(home: dir.url, ["help"])
    XCTAssertEqual(help.status, 0)
    for command in ["import", "stats", "users", "items", "sample", "help"] {
      XCTAssertTrue(help.stdout.contains("  \(command)"), "help lists \(command)")
      for flag in ["--help", "-h"] {
        let result = try drp(home: dir.url, [command, flag])
        XCTAssertEqual(result.status, 0, "\(command) \(flag)")
        XCTAssertTrue(result.stdout.hasPrefix("usage: drp"), "\(command) \(flag): \(result.stdout)")
      }
    }
    let usageCases: [[String]] = [
      [], ["frobnicate"], ["stats", "--bogus"], ["stats", "extra"], ["import"], ["users"], ["users", "show"],
      ["users", "list", "--limit", "zero"], ["users", "list", "--limit"], ["sample"],
      ["import", "x.jsonl", "--map", "who=x"],
      ["stats", "--json=yes"], ["--home"], ["--nope", "stats"], ["help", "nothing"],
    ]
    for args in usageCases {
      let result = try runProcess(TestSupport.drpBinary, args)
      XCTAssertEqual(result.status, 2, "drp \(args.joined(separator: " ")): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("usage: drp"), "usage text on stderr for \(args)")
      XCTAssertTrue(result.stdout.isEmpty, "nothing on stdout for \(args)")
    }
  }

  func testImportStatsUsersItemsJSON() throws {
    let dir = try TemporaryDirectory()
    let files = try writeSample(dir)
    let imported = try drp(home: dir.url, ["import", files.items, files.reviews, "--json"])
    XCTAssertEqual(imported.status, 0, imported.stderr)
    let report = try XCTUnwrap(try imported.json() as? [String: Any])
    let added = try XCTUnwrap(report["reviews_added"] as? Int)
    XCTAssertGreaterThan(added, 200)
    XCTAssertEqual(report["users_added"] as? Int, 30)

    let stats = try drp(home: dir.url, ["stats", "--json"])
    XCTAssertEqual(stats.stdout, "{\"items\":80,\"reviews\":\(added),\"users\":30}\n")
    let text = try drp(home: dir.url, ["stats"])
    XCTAssertTrue(text.stdout.contains("reviews: \(added)"))

    let show = try drp(home: dir.url, ["users", "show", "SU0000001", "--limit", "3", "--json"])
    let user = try XCTUnwrap(try show.json() as? [String: Any])
    let reviews = try XCTUnwrap(user["reviews"] as? [[String: Any]])
    XCTAssertEqual(reviews.count, 3)
    let times = reviews.compactMap { $0["timestamp"] as? Int }
    XCTAssertEqual(times, times.sorted(by: >), "newest first")
    XCTAssertNotNil((user["user"] as? [String: Any])?["review_count"])

    let list = try drp(home: dir.url, ["users", "list", "-n", "5", "--json"])
    XCTAssertEqual((try list.json() as? [Any])?.count, 5)
    let item = try drp(home: dir.url, ["items", "show", "SI000003", "--json"])
    let itemJSON = try XCTUnwrap(try item.json() as? [String: Any])
    XCTAssertGreaterThanOrEqual((itemJSON["reviewers"] as? [String])?.count ?? 0, 1)
    XCTAssertFalse(((itemJSON["item"] as? [String: Any])?["title"] as? String ?? "").isEmpty)

    let missing = try drp(home: dir.url, ["users", "show", "nobody"])
    XCTAssertEqual(missing.status, 1)
    XCTAssertEqual(missing.stderr, "drp: error: no user 'nobody'\n")
  }

  func testImportErrorsAndBadLinesThroughTheCLI() throws {
    let dir = try TemporaryDirectory()
    let missing = try drp(home: dir.url, ["import", dir.path("absent.jsonl")])
    XCTAssertEqual(missing.status, 1)
    XCTAssertTrue(missing.stderr.hasPrefix("drp: error: no such file: "), missing.stderr)

    let bad = dir.path("bad.jsonl")
    try """
    {"user_id": "u", "parent_asin": "i", "rating": 9, "text": "x"}
    {"user_id": "u", "parent_asin": "i", "rating": 2, "text": "ok"}
    {"user_id": "u", "parent_asin
    """.write(toFile: bad, atomically: true, encoding: .utf8)
    let result = try drp(home: dir.url, ["import", bad, "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let report = try XCTUnwrap(try result.json() as? [String: Any])
    XCTAssertEqual(report["reviews_added"] as? Int, 1)
    XCTAssertEqual((report["skipped"] as? [String: Int])?["bad_rating"], 1)
    XCTAssertEqual((report["skipped"] as? [String: Int])?["invalid_json"], 1)
    XCTAssertTrue(result.stderr.contains("\(bad):1: bad_rating"), result.stderr)
    XCTAssertTrue(result.stderr.contains("\(bad):3: invalid_json: truncated last line"), result.stderr)
  }

  func testGzipImportThroughTheCLI() throws {
    let dir = try TemporaryDirectory()
    let files = try writeSample(dir, users: 10)
    let gzip = try runProcess(URL(fileURLWithPath: "/bin/gzip"), ["-k", files.reviews])
    XCTAssertEqual(gzip.status, 0, gzip.stderr)
    let result = try drp(home: dir.url, ["import", files.reviews + ".gz", "--json"])
    let plainHome = dir.url.appendingPathComponent("plain")
    let plain = try drp(home: plainHome, ["import", files.reviews, "--json"])
    let gz = try XCTUnwrap(try result.json() as? [String: Any])
    XCTAssertEqual(gz["reviews_added"] as? Int, (try plain.json() as? [String: Any])?["reviews_added"] as? Int)
    XCTAssertGreaterThan(gz["reviews_added"] as? Int ?? 0, 50)
  }

  func testConfigFileAndEnvironmentChooseTheHome() throws {
    let dir = try TemporaryDirectory()
    let files = try writeSample(dir, users: 5)
    let config = dir.path("conf.json")
    try "{\"home\": \"\(dir.path("from-config"))\", \"store\": {\"import_batch\": 7}}".write(
      toFile: config, atomically: true, encoding: .utf8)
    let viaConfig = try runProcess(TestSupport.drpBinary, ["--config", config, "import", files.reviews])
    XCTAssertEqual(viaConfig.status, 0, viaConfig.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("from-config/drp.sqlite")))
    // DRP_HOME beats the config file's home: stats names it while it has no store, the import fills
    // it, and stats then reads it.
    let env = ["DRP_HOME": dir.path("from-env")]
    let empty = try runProcess(TestSupport.drpBinary, ["--config=\(config)", "stats", "--json"], environment: env)
    XCTAssertEqual(empty.status, 1)
    XCTAssertTrue(empty.stderr.contains("no drp store at \(dir.path("from-env"))"), empty.stderr)
    XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path("from-env/drp.sqlite")))
    let importViaEnv = try runProcess(
      TestSupport.drpBinary, ["--config=\(config)", "import", files.reviews], environment: env)
    XCTAssertEqual(importViaEnv.status, 0, importViaEnv.stderr)
    XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path("from-env/drp.sqlite")))
    let viaEnv = try runProcess(TestSupport.drpBinary, ["--config=\(config)", "stats", "--json"], environment: env)
    XCTAssertEqual(viaEnv.status, 0, viaEnv.stderr)
    XCTAssertTrue(viaEnv.stdout.contains("\"users\":5"), viaEnv.stdout)
    try "{\"home\": 3}".write(toFile: config, atomically: true, encoding: .utf8)
    let broken = try runProcess(TestSupport.drpBinary, ["--config", config, "stats"])
    XCTAssertEqual(broken.status, 1)
    XCTAssertTrue(broken.stderr.hasPrefix("drp: error: invalid config file"), broken.stderr)
  }

  func testKilledImportLeavesAConsistentStoreAndReimportCompletes() throws {
    let dir = try TemporaryDirectory()
    let sample = try drp(
      home: dir.url,
      ["sample", "--out", dir.path("big"), "--users", "6000", "--items", "2000", "--reviews-per-user", "10", "--json"])
    let summary = try XCTUnwrap(try sample.json() as? [String: Any])
    let total = try XCTUnwrap(summary["reviews"] as? Int)
    let reviews = try XCTUnwrap(summary["reviews_path"] as? String)

    // The import reads a FIFO the test feeds with the first 22,000 lines and keeps open, so it cannot
    // finish; once `drp stats` shows a committed batch it is killed, wherever it then is (mid-transaction
    // or waiting for input): no timing assumption, however loaded the machine.
    let fed = 22_000
    let fifo = dir.path("reviews.fifo")
    XCTAssertEqual(mkfifo(fifo, 0o600), 0, String(cString: strerror(errno)))
    let process = Process()
    process.executableURL = TestSupport.drpBinary
    process.arguments = ["--home", dir.path("home"), "import", fifo]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    let writer = try openFIFOWriter(fifo, reader: process)
    defer { close(writer) }
    try writeLines(fed, of: reviews, to: writer)
    let home = dir.url.appendingPathComponent("home")
    var committed = 0
    let deadline = Date().addingTimeInterval(120)
    while committed == 0 && process.isRunning && Date() < deadline {
      let stats = try drp(home: home, ["stats", "--json"])
      if stats.status == 0 { committed = (try stats.json() as? [String: Any])?["reviews"] as? Int ?? 0 }
      if committed == 0 { usleep(20_000) }
    }
    XCTAssertTrue(process.isRunning, "the import stopped before it was killed")
    XCTAssertGreaterThan(committed, 0, "no batch was committed within 120 s")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationReason, .uncaughtSignal)

    let check = try runProcess(
      URL(fileURLWithPath: "/usr/bin/env"),
      [
        "python3", "-c",
        """
        import sqlite3, sys
        db = sqlite3.connect(sys.argv[1])
        print(db.execute('PRAGMA integrity_check').fetchone()[0])
        print(db.execute('SELECT count(*) FROM reviews WHERE user_id NOT IN (SELECT id FROM users) OR item_id NOT IN (SELECT id FROM items)').fetchone()[0])
        """, dir.path("home/drp.sqlite"),
      ])
    XCTAssertEqual(check.status, 0, "python3 with sqlite3 is needed to inspect the database: \(check.stderr)")
    XCTAssertEqual(check.stdout, "ok\n0\n")
    let partial = try drp(home: dir.url.appendingPathComponent("home"), ["stats", "--json"])
    let partialReviews = try XCTUnwrap((try partial.json() as? [String: Any])?["reviews"] as? Int)
    XCTAssertGreaterThanOrEqual(partialReviews, committed)
    XCTAssertLessThanOrEqual(partialReviews, fed)
    XCTAssertLessThan(partialReviews, total)
    XCTAssertEqual(partialReviews % 5000, 0, "only whole batches are committed")

    let again = try drp(home: dir.url.appendingPathComponent("home"), ["import", reviews, "--json"], timeout: 300)
    XCTAssertEqual(again.status, 0, again.stderr)
    XCTAssertEqual((try again.json() as? [String: Any])?["reviews_added"] as? Int, total - partialReviews)
    let final = try drp(home: dir.url.appendingPathComponent("home"), ["stats", "--json"])
    XCTAssertEqual((try final.json() as? [String: Any])?["reviews"] as? Int, total)
  }

  /// Opens the write end of `fifo` once `reader` has opened it (bounded: 60 s, or the reader's exit),
  /// in blocking mode.
  private func openFIFOWriter(_ fifo: String, reader: Process) throws -> Int32 {
    let deadline = Date().addingTimeInterval(60)
    while reader.isRunning && Date() < deadline {
      let fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
      if fd >= 0 {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        return fd
      }
      usleep(10_000)
    }
    XCTFail("drp import did not open \(fifo) (running: \(reader.isRunning))")
    throw CocoaError(.fileWriteUnknown)
  }

  /// Writes the first `count` lines of the file at `path` to `fd`.
  private func writeLines(_ count: Int, of path: String, to fd: Int32) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    var newlines = 0
    let end = try XCTUnwrap(
      data.firstIndex { byte in
        if byte == 0x0A { newlines += 1 }
        return newlines == count
      }, "the file has fewer than \(count) lines")
    signal(SIGPIPE, SIG_IGN)  // a reader that died makes write fail with EPIPE instead
    try data[...end].withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else {
          XCTFail("writing to the import's FIFO failed: \(String(cString: strerror(errno)))")
          throw CocoaError(.fileWriteUnknown)
        }
        offset += written
      }
    }
  }
}

/// Read-only commands on a home without a store refuse to create one.
final class MissingStoreCLITests: XCTestCase {
  func testReadOnlyCommandsOnAHomeWithoutAStoreFail() throws {
    let dir = try TemporaryDirectory()
    let typo = dir.url.appendingPathComponent("typo")
    for arguments in [
      ["stats"], ["users", "list"], ["users", "show", "u"], ["items", "show", "i"], ["embed"], ["index", "info"],
      ["neighbors", "u"], ["peers", "u", "--item", "i"], ["keys", "u", "--item", "i"],
      ["profile", "u", "--item", "i"], ["generate", "u", "--item", "i"], ["eval"], ["serve", "--unix", dir.path("s")],
    ] {
      let result = try drp(home: typo, arguments, environment: ["DRP_LLM_URL": "", "DRP_CONFIG": ""])
      XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
      XCTAssertTrue(
        result.stderr.contains("no drp store at \(typo.path) (run `drp import` first)"),
        "\(arguments): \(result.stderr)")
      XCTAssertFalse(FileManager.default.fileExists(atPath: typo.path), "\(arguments) created \(typo.path)")
    }
    // The commands that fill a home create it.
    let sample = dir.path("sample")
    XCTAssertEqual(try drp(home: typo, ["sample", "--out", sample, "--users", "5"]).status, 0)
    XCTAssertEqual(try drp(home: typo, ["import", sample + "/reviews.jsonl"]).status, 0)
    XCTAssertEqual(try drp(home: typo, ["stats"]).status, 0)
  }
}

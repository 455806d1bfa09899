import DRPCore
import DRPProtocol
import DRPServerTestSupport
import DRPTestSupport
import Foundation
import Glibc
import XCTest

/// `drp serve` options: remote-access policy and the --json announcement.
final class ServeCommandTests: XCTestCase {
  func testNonLoopbackAddressNeedsAllowRemoteAndAToken() throws {
    let directory = try TemporaryDirectory("drp-serve-remote")
    let home = try SampleHome.copy(into: directory)
    for arguments in [["--tcp", "0.0.0.0:0"], ["--tcp", "0.0.0.0:0", "--allow-remote"]] {
      let result = try drp(home: home, ["serve"] + arguments, environment: ["DRP_SERVER_TOKEN": ""], timeout: 30)
      XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains("refusing to listen on non-loopback address 0.0.0.0"), result.stderr)
      XCTAssertEqual(result.stdout, "")
    }
    let badLevel = try drp(
      home: home, ["serve", "--unix", directory.path("s.sock"), "--log-level", "loud"], timeout: 30)
    XCTAssertEqual(badLevel.status, 2, badLevel.stderr)
  }

  func testJSONAnnouncementAndTokenAuthentication() throws {
    let serve = try ServeProcess(extraArguments: ["--json", "--token", "t0ken"])
    let announcement = try JSONParser().parse(serve.output.trimmingCharacters(in: .whitespacesAndNewlines))
    XCTAssertEqual(announcement["unix"]?.string, serve.socketPath)
    XCTAssertEqual(announcement["tcp"]?.string, "127.0.0.1:\(serve.tcp.port ?? 0)")
    XCTAssertNotEqual(serve.tcp.port, 0)
    let tcp = try RawConnection(serve.tcp)
    XCTAssertEqual(tcp.call("ping")?["error"]?["code"], -32004, "TCP needs the token")
    XCTAssertEqual(tcp.call("auth", ["token": "t0ken"], id: 2)?["result"], ["authenticated": true])
    XCTAssertEqual(tcp.call("ping", id: 3)?["result"], ["pong": true])
    let unix = try RawConnection(serve.unix)
    XCTAssertEqual(unix.call("ping")?["result"], ["pong": true], "the 0600 Unix socket needs no token")
    let viaCall = try serve.cli(["call", "stats", "--connect", "127.0.0.1:\(serve.tcp.port ?? 0)", "--token", "t0ken"])
    XCTAssertEqual(viaCall.status, 0, viaCall.stderr)
  }
}

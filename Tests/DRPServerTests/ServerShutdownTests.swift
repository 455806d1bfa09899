import DRPCore
import DRPProtocol
import DRPServer
import DRPServerTestSupport
import Foundation
import Glibc
import XCTest

final class ServerShutdownTests: XCTestCase {
  func testShutdownLetsInFlightWorkFinishAndRemovesTheSocket() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.unix)
    connection.request("slow", id: 1, params: ["ms": 300])
    let idle = try RawConnection(fixture.tcp)
    idle.request("ping", id: 1)
    XCTAssertNotNil(idle.readLine())
    usleep(50_000)
    let stopper = Thread { fixture.server.shutdown(deadline: .seconds(5)) }
    stopper.start()
    XCTAssertEqual(connection.readLine()?["result"], ["slept": 300])
    XCTAssertTrue(connection.waitForClose())
    XCTAssertTrue(idle.waitForClose())
    fixture.server.shutdown()
    XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.socketPath))
    XCTAssertThrowsError(try RawConnection(fixture.tcp))
  }

  func testShutdownDeadlineCancelsSlowWorkWithAFinalError() throws {
    let fixture = try ServerFixture()
    let connection = try RawConnection(fixture.tcp)
    connection.request("slow", id: 7, params: ["ms": 30_000])
    usleep(50_000)
    let start = ContinuousClock.now
    fixture.server.shutdown(deadline: .milliseconds(300))
    XCTAssertLessThan(ContinuousClock.now - start, .seconds(5))
    let reply = connection.readLine()
    XCTAssertEqual(reply?["id"], 7)
    XCTAssertEqual(reply?["error"]?["code"], -32005)
    XCTAssertTrue(connection.waitForClose())
    XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.socketPath))
  }

  func testRestartOnTheSameSocketPathReplacesAStaleFile() throws {
    let fixture = try ServerFixture()
    let clash = Server(
      configuration: ServerConfiguration(listeners: [.unix(path: fixture.socketPath)]), logger: .silent)
    XCTAssertThrowsError(try clash.start()) { XCTAssertTrue("\($0)".contains("already listening"), "\($0)") }
    fixture.server.shutdown(deadline: .milliseconds(100))
    // Leave a stale socket file behind (bound, never accepting) and start over it.
    let stale = try RawListenerFile(path: fixture.socketPath)
    stale.closeWithoutUnlink()
    let again = Server(
      configuration: ServerConfiguration(listeners: [.unix(path: fixture.socketPath)]), logger: .silent)
    try again.start()
    let client = try RPCClient(connectingTo: fixture.socketPath, timeout: .seconds(5))
    XCTAssertEqual(try client.call("ping"), ["pong": true])
    again.shutdown(deadline: .milliseconds(100))
    XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.socketPath))
  }

  func testRepeatedStartAndShutdownReleasesEveryDescriptor() throws {
    let warm = try ServerFixture()
    warm.server.shutdown(deadline: .milliseconds(100))
    let before = ServerFixture.openDescriptors()
    for _ in 0..<20 {
      let fixture = try ServerFixture()
      let client = try RPCClient(connectingTo: fixture.tcp.description, timeout: .seconds(5))
      XCTAssertEqual(try client.call("stream", params: ["n": 2]), ["parts": 2])
      client.close()
      fixture.server.shutdown(deadline: .milliseconds(100))
    }
    let deadline = ContinuousClock.now + .seconds(5)
    while ServerFixture.openDescriptors() > before && ContinuousClock.now < deadline { usleep(20_000) }
    XCTAssertEqual(ServerFixture.openDescriptors(), before)
  }

  func testRunUntilSignalledShutsDownOnSIGTERM() throws {
    let fixture = try ServerFixture()
    // Ignored first, so a signal sent before the handler is installed cannot kill the test runner.
    signal(SIGTERM, SIG_IGN)
    let finished = DispatchSemaphore(value: 0)
    Thread {
      fixture.server.runUntilSignalled(grace: .milliseconds(200))
      finished.signal()
    }.start()
    var stopped = false
    for _ in 0..<50 where !stopped {
      kill(getpid(), SIGTERM)
      stopped = finished.wait(timeout: .now() + .milliseconds(100)) == .success
    }
    XCTAssertTrue(stopped, "SIGTERM should stop the server")
    XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.socketPath))
  }
}

import DRPCore
import DRPProtocol
import DRPServer
import Foundation
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
    let clash = Server(configuration: ServerConfiguration(listeners: [.unix(path: fixture.socketPath)]), logger: .silent)
    XCTAssertThrowsError(try clash.start()) { XCTAssertTrue("\($0)".contains("already listening"), "\($0)") }
    fixture.server.shutdown(deadline: .milliseconds(100))
    // Leave a stale socket file behind (bound, never accepting) and start over it.
    let stale = try RawListenerFile(path: fixture.socketPath)
    stale.closeWithoutUnlink()
    let again = Server(configuration: ServerConfiguration(listeners: [.unix(path: fixture.socketPath)]), logger: .silent)
    try again.start()
    let client = try RPCClient(connectingTo: fixture.socketPath, timeout: .seconds(5))
    XCTAssertEqual(try client.call("ping"), ["pong": true])
    again.shutdown(deadline: .milliseconds(100))
    XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.socketPath))
  }
}

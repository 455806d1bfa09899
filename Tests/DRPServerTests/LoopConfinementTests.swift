import DRPCore
import DRPProtocol
import Dispatch
import Foundation
import Synchronization
import XCTest

@testable import DRPServer

/// Loop-confined state is checked at run time in debug builds: every loop-only entry of
/// `ServerCore` (and `LaneScheduler`) reports a call from another thread. By default the report
/// is a failed assertion, which stops the process; these tests install a recorder instead.
final class LoopConfinementTests: XCTestCase {
  /// Function names reported by a `LoopThread`.
  private final class Violations: Sendable {
    private let names = Mutex([String]())
    func record(_ function: StaticString) { names.withLock { $0.append("\(function)") } }
    var all: [String] { names.withLock { $0 } }
  }

  func testTheLoopThreadIsOnlyTheThreadThatBoundIt() {
    let loop = LoopThread()
    XCTAssertFalse(loop.isCurrent, "no thread is the loop before one binds")
    let onLoop = Mutex<Bool?>(nil)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      loop.bindToCurrentThread()
      onLoop.withLock { $0 = loop.isCurrent }
      done.signal()
    }
    thread.start()
    XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
    XCTAssertEqual(onLoop.withLock { $0 }, true)
    XCTAssertFalse(loop.isCurrent, "the test thread is not the loop")
  }

  #if DEBUG
    func testLoopOnlyEntriesCalledFromAnotherThreadAreReported() throws {
      let violations = Violations()
      let core = try ServerCore(
        configuration: ServerConfiguration(listeners: [.tcp(host: "127.0.0.1", port: 0)]), logger: .silent,
        methods: MethodTable(), loopThread: LoopThread(onViolation: { violations.record($0) }))
      // Not started: no thread is the loop, so the test thread is a wrong one. (Safe here only
      // because no loop runs concurrently; the recorder lets execution continue.)
      core.housekeeping()
      core.drainMailbox()
      core.lanes.beginBatch()
      _ = core.lanes.endBatch()
      // (`housekeeping` reaches `sendDueAuthFailures`, which checks too.)
      let offLoop = ["housekeeping()", "sendDueAuthFailures(now:)", "drainMailbox()", "beginBatch()", "endBatch()"]
      XCTAssertEqual(violations.all, offLoop)
      // On the loop thread the same entries are silent.
      core.start()
      let checked = DispatchSemaphore(value: 0)
      let onLoop = Mutex(false)
      core.post {
        onLoop.withLock { $0 = core.loopThread.isCurrent }
        core.housekeeping()
        core.lanes.beginBatch()
        _ = core.lanes.endBatch()
        checked.signal()
      }
      XCTAssertEqual(checked.wait(timeout: .now() + 5), .success)
      XCTAssertTrue(onLoop.withLock { $0 })
      core.beginShutdown(deadline: .zero)
      core.waitUntilStopped()
      XCTAssertEqual(violations.all, offLoop, "entries on the loop thread were reported")
    }
  #endif
}

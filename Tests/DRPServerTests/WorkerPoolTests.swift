import Dispatch
import Foundation
import Synchronization
import XCTest

@testable import DRPServer

/// `WorkerPool`: every job runs exactly once whether workers are polling or asleep, and `stop`
/// runs what is queued before the threads end.
final class WorkerPoolTests: XCTestCase {
  func testEveryJobRunsOnceAcrossPollingAndSleepingWorkers() {
    for busyPoll in [Duration.zero, .microseconds(50), .milliseconds(2)] {
      let pool = WorkerPool(threads: 2, name: "test-pool", busyPoll: busyPoll)
      let counts = Mutex([Int](repeating: 0, count: 400))
      let done = DispatchGroup()
      for job in 0..<400 {
        done.enter()
        XCTAssertTrue(
          pool.submit {
            counts.withLock { $0[job] += 1 }
            done.leave()
          })
        // Gaps around the polling window, so jobs arrive both while workers poll and after they sleep.
        if job % 7 == 0 { usleep(UInt32(job % 3) * 1500) }
      }
      XCTAssertEqual(done.wait(timeout: .now() + 20), .success, "jobs lost with busyPoll \(busyPoll)")
      XCTAssertEqual(counts.withLock { $0 }, [Int](repeating: 1, count: 400), "busyPoll \(busyPoll)")
      pool.stop()
    }
  }

  func testStopRunsQueuedJobsThenRefusesNewOnes() {
    let pool = WorkerPool(threads: 1, name: "test-pool", busyPoll: .microseconds(50))
    let ran = Mutex(0)
    pool.submit { usleep(20_000) }
    for _ in 0..<10 { pool.submit { ran.withLock { $0 += 1 } } }
    pool.stop()
    XCTAssertEqual(ran.withLock { $0 }, 10, "stop ends the threads only after the queued jobs")
    XCTAssertFalse(pool.submit {}, "a stopped pool refuses jobs")
    pool.stop()
  }
}

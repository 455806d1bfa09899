import DRPCore
import DRPProtocol
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

  func testQueuedGroupedJobsOfOneKeyRunTogetherAndOthersKeepTheirOrder() {
    let pool = WorkerPool(threads: 1, name: "test-pool", busyPoll: .zero)
    let gate = DispatchSemaphore(value: 0)
    let log = Mutex([String]())
    pool.submit { gate.wait() }
    func job(_ key: String, _ name: String, limit: Int = 3) -> WorkerPool.Job {
      .grouped(
        GroupedJob(
          key: key, limit: limit, params: RPCParams(["name": .string(name)]),
          context: RequestContext(id: nil, method: "m", connectionID: 0) { _ in },
          body: { batch in
            log.withLock { $0.append(batch.map { $0["name"]?.string ?? "?" }.joined(separator: "+")) }
            return batch.map { _ in .success(.null) }
          }, finish: { _ in }, ran: { _ in }))
    }
    // Queued while the only worker is held: a1 takes a2 and a3 (limit 3), not a4 or b1; plain
    // jobs stay in place.
    XCTAssertTrue(
      pool.submit(contentsOf: [
        job("a", "a1"), job("b", "b1"), .single({ log.withLock { $0.append("plain") } }), job("a", "a2"),
        job("a", "a3"), job("a", "a4"), job("b", "b2"),
      ]))
    gate.signal()
    pool.stop()
    XCTAssertEqual(log.withLock { $0 }, ["a1+a2+a3", "b1+b2", "plain", "a4"])
  }
}

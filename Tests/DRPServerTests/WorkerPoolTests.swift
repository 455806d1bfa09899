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

  /// What the jobs of a test ran, in order.
  private final class Log: Sendable {
    private let entries = Mutex([String]())
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
  }

  /// A grouped job named `name` that logs its group ("a1+a2") and, when given, waits on `gate` first.
  private func job(
    _ key: String, _ name: String, limit: Int = 3, log: Log, gate: DispatchSemaphore? = nil
  ) -> WorkerPool.Job {
    .grouped(
      GroupedJob(
        key: key, limit: limit, params: RPCParams(["name": .string(name)]),
        context: RequestContext(id: nil, method: "m", connectionID: 0) { _ in },
        body: { batch in
          gate?.wait()
          log.append(batch.map { $0["name"]?.string ?? "?" }.joined(separator: "+"))
          return batch.map { _ in .success(.null) }
        }, finish: { _ in }, ran: { _ in }))
  }

  func testQueuedGroupedJobsOfOneKeyRunTogetherAndOthersKeepTheirOrder() {
    let pool = WorkerPool(threads: 1, name: "test-pool", busyPoll: .zero)
    let gate = DispatchSemaphore(value: 0)
    let log = Log()
    pool.submit { gate.wait() }
    func job(_ key: String, _ name: String) -> WorkerPool.Job { self.job(key, name, log: log) }
    // Queued while the only worker is held: a1 takes a2 and a3 (limit 3), not a4 or b1; plain
    // jobs stay in place.
    XCTAssertTrue(
      pool.submit(contentsOf: [
        job("a", "a1"), job("b", "b1"), .single({ log.append("plain") }), job("a", "a2"),
        job("a", "a3"), job("a", "a4"), job("b", "b2"),
      ]))
    gate.signal()
    pool.stop()
    XCTAssertEqual(log.all, ["a1+a2+a3", "b1+b2", "plain", "a4"])
  }

  func testOneGroupPerKeyRunsAtATimeAndTheNextTakesWhatQueuedMeanwhile() {
    let pool = WorkerPool(threads: 2, name: "test-pool", busyPoll: .microseconds(50))
    let gate = DispatchSemaphore(value: 0)
    let log = Log()
    pool.submit(contentsOf: [job("a", "a1", limit: 10, log: log, gate: gate)])
    usleep(50_000)
    // The second worker is free, but a2 and a3 wait for a1's group; b1 and the plain job pass.
    pool.submit(contentsOf: [job("a", "a2", limit: 10, log: log), job("b", "b1", limit: 10, log: log)])
    pool.submit { log.append("plain") }
    pool.submit(contentsOf: [job("a", "a3", limit: 10, log: log)])
    let deadline = ContinuousClock.now + .seconds(5)
    while log.all.count < 2 && ContinuousClock.now < deadline { usleep(1000) }
    usleep(50_000)
    XCTAssertEqual(Set(log.all), ["b1", "plain"], "a2 and a3 did not start a second group of key a")
    gate.signal()
    pool.stop()
    XCTAssertEqual(log.all.suffix(2), ["a1", "a2+a3"])
  }
}

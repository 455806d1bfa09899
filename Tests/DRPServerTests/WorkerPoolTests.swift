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

  /// When each group of a test started and ended (seconds), by its log entry.
  private final class Times: Sendable {
    private let entries = Mutex([String: (start: Double, end: Double)]())
    func record(_ names: String, start: Double, end: Double) { entries.withLock { $0[names] = (start, end) } }
    subscript(_ names: String) -> (start: Double, end: Double)? { entries.withLock { $0[names] } }
  }

  /// A grouped job of key "a" that logs its group and when it started and ended, after `pause` µs.
  private func timedJob(_ name: String, log: Log, times: Times, pause: UInt32 = 0) -> WorkerPool.Job {
    .grouped(
      GroupedJob(
        key: "a", limit: 10, params: RPCParams(["name": .string(name)]),
        context: RequestContext(id: nil, method: "m", connectionID: 0) { _ in },
        body: { batch in
          let names = batch.map { $0["name"]?.string ?? "?" }.joined(separator: "+")
          let start = Date().timeIntervalSinceReferenceDate
          usleep(pause)
          times.record(names, start: start, end: Date().timeIntervalSinceReferenceDate)
          log.append(names)
          return batch.map { _ in .success(.null) }
        }, finish: { _ in }, ran: { _ in }))
  }

  /// Waits (bounded: 5 s) until `log` has `count` entries.
  private func waitFor(_ log: Log, count: Int) {
    let deadline = ContinuousClock.now + .seconds(5)
    while log.all.count < count && ContinuousClock.now < deadline { usleep(1000) }
  }

  /// Starts the group a1+a2 of key "a" (limit 10), held inside a1 until the returned gate is
  /// signalled, and returns once it has run for 20 ms.
  private func startGatedGroup(_ pool: WorkerPool, log: Log) -> DispatchSemaphore {
    let gate = DispatchSemaphore(value: 0)
    pool.submit(contentsOf: [job("a", "a1", limit: 10, log: log, gate: gate), job("a", "a2", limit: 10, log: log)])
    usleep(20_000)
    return gate
  }

  func testTheNextGroupWaitsForTheJobsOfTheClientsTheLastOneAnswered() {
    // Holds long enough (10 s) that only the arrival of the expected jobs ends them in this test.
    let pool = WorkerPool(threads: 2, name: "test-pool", groupHold: 1_000, maxGroupHold: .seconds(10))
    let log = Log()
    let gate = startGatedGroup(pool, log: log)
    // a3 queues while a1+a2 runs: 2 + 1 = 3 jobs of key a are expected for the next group.
    pool.submit(contentsOf: [job("a", "a3", limit: 10, log: log)])
    gate.signal()
    waitFor(log, count: 1)
    XCTAssertEqual(log.all, ["a1+a2"])
    // Other work passes the held group.
    pool.submit { log.append("plain") }
    pool.submit(contentsOf: [job("b", "b1", limit: 10, log: log)])
    waitFor(log, count: 3)
    pool.submit(contentsOf: [job("a", "a4", limit: 10, log: log)])
    usleep(50_000)
    XCTAssertEqual(log.all.count, 3, "a3 and a4 wait for the third job: \(log.all)")
    XCTAssertEqual(Set(log.all.suffix(2)), ["plain", "b1"])
    pool.submit(contentsOf: [job("a", "a5", limit: 10, log: log)])
    waitFor(log, count: 4)
    XCTAssertEqual(log.all.last, "a3+a4+a5")
    pool.stop()
  }

  func testAfterALoneJobTheNextGroupDoesNotWait() {
    let pool = WorkerPool(threads: 1, name: "test-pool", groupHold: 1_000, maxGroupHold: .seconds(10))
    let log = Log()
    let gate = DispatchSemaphore(value: 0)
    pool.submit(contentsOf: [job("a", "a1", limit: 10, log: log, gate: gate)])
    usleep(20_000)
    pool.submit(contentsOf: [job("a", "a2", limit: 10, log: log)])
    let start = ContinuousClock.now
    gate.signal()
    waitFor(log, count: 2)
    XCTAssertEqual(log.all, ["a1", "a2"])
    XCTAssertLessThan(ContinuousClock.now - start, .seconds(5), "a lone client's next request is not held")
    pool.stop()
  }

  func testAGroupWaitsAtMostItsShareOfTheLastGroupsTime() {
    let pool = WorkerPool(threads: 1, name: "test-pool", groupHold: 0.125, maxGroupHold: .seconds(10))
    let log = Log()
    let times = Times()
    let gate = DispatchSemaphore(value: 0)
    pool.submit { gate.wait() }
    // b1+b2 run as one group of 80 ms; b3 queues meanwhile and nothing else comes.
    pool.submit(contentsOf: [
      timedJob("b1", log: log, times: times, pause: 80_000), timedJob("b2", log: log, times: times),
    ])
    gate.signal()
    usleep(20_000)
    pool.submit(contentsOf: [timedJob("b3", log: log, times: times)])
    waitFor(log, count: 2)
    XCTAssertEqual(log.all, ["b1+b2", "b3"])
    guard let first = times["b1+b2"], let second = times["b3"] else { return XCTFail("not run: \(log.all)") }
    let waited = second.start - first.end
    // It waited (an eighth of ≥ 80 ms, less a millisecond of clock reading) and not for long.
    XCTAssertGreaterThanOrEqual(waited, (first.end - first.start) / 8 - 0.001, "b3 started \(waited) s after b1+b2")
    XCTAssertLessThan(waited, 2, "the wait is bounded by an eighth of the last group's time")
    pool.stop()
  }

  func testStopRunsHeldGroups() {
    let pool = WorkerPool(threads: 1, name: "test-pool", groupHold: 1_000, maxGroupHold: .seconds(30))
    let log = Log()
    // A group of two lasting ≥ 20 ms: the next group may wait up to 30 s for two jobs.
    startGatedGroup(pool, log: log).signal()
    waitFor(log, count: 1)
    pool.submit(contentsOf: [job("a", "a3", limit: 10, log: log)])
    usleep(20_000)
    XCTAssertEqual(log.all, ["a1+a2"], "a3 is held (2 jobs expected)")
    let start = ContinuousClock.now
    pool.stop()
    XCTAssertEqual(log.all, ["a1+a2", "a3"])
    XCTAssertLessThan(ContinuousClock.now - start, .seconds(5), "stop does not wait out a hold")
  }
}

import DRPCore
import DRPProtocol
import Dispatch
import Synchronization
import XCTest

@testable import DRPServer

/// `LaneScheduler` on its own, without sockets or a loop thread: the test thread is its loop.
final class LaneSchedulerTests: XCTestCase {
  private func makeScheduler(maxConcurrentBackground: Int = 2) -> LaneScheduler {
    let loop = LoopThread()
    loop.bindToCurrentThread()
    return LaneScheduler(maxConcurrentBackground: maxConcurrentBackground, loop: loop)
  }

  func testIndexJobsOfABatchAreHeldAndHandedOutTogether() {
    let lanes = makeScheduler()
    XCTAssertEqual(lanes.submitIndex(.single({})).count, 1, "outside a batch a job goes out at once")
    lanes.beginBatch()
    let groups = Mutex([Int]())
    let done = DispatchGroup()
    for number in 0..<3 {
      done.enter()
      let job = GroupedJob(
        key: "k", limit: 10, params: RPCParams(["n": .int(Int64(number))]),
        context: RequestContext(id: .int(Int64(number)), method: "m", connectionID: 1) { _ in },
        body: { batch in batch.map { _ in .success(.null) } }, finish: { _ in done.leave() },
        ran: { size in groups.withLock { $0.append(size) } })
      XCTAssertEqual(lanes.submitIndex(.grouped(job)).count, 0, "a batch member is held")
    }
    XCTAssertEqual(lanes.indexJobsOutstanding, 4, "held jobs count as outstanding")
    let held = lanes.endBatch()
    XCTAssertEqual(held.count, 3)
    XCTAssertEqual(lanes.submitIndex(.single({})).count, 1, "after the batch jobs go out at once again")
    // Handed to a pool together, the held members of one key run as one group even with a free
    // worker each (submitted one by one, an idle worker could take the first alone).
    let pool = WorkerPool(threads: 2, name: "test-lanes", busyPoll: .zero)
    XCTAssertTrue(pool.submit(contentsOf: held))
    XCTAssertEqual(done.wait(timeout: .now() + 10), .success)
    pool.stop()
    XCTAssertEqual(groups.withLock { $0 }, [3])
    for _ in 0..<5 { lanes.indexJobEnded() }
    XCTAssertEqual(lanes.indexJobsOutstanding, 0)
  }

  func testBackgroundJobsStartUpToTheLimitInArrivalOrderAndDeadOnesAreSkipped() {
    let lanes = makeScheduler(maxConcurrentBackground: 2)
    var events: [String] = []
    var live = Set(0..<5)
    for number in 0..<5 {
      lanes.enqueueBackground(
        LaneScheduler.BackgroundJob(isLive: { live.contains(number) }, start: { events.append("start \(number)") }))
    }
    XCTAssertEqual(events, ["start 0", "start 1"])
    XCTAssertEqual(lanes.backgroundRunning, 2)
    XCTAssertEqual(lanes.backgroundWaiting, 3)
    // Job 2 is cancelled while it waits: when a slot frees, it is skipped for job 3; the ended
    // job's reply goes out before the next job starts.
    live.remove(2)
    lanes.backgroundEnded { events.append("finish 0") }
    XCTAssertEqual(events.suffix(2), ["finish 0", "start 3"])
    XCTAssertEqual(lanes.backgroundRunning, 2)
    lanes.backgroundEnded { events.append("finish 1") }
    XCTAssertEqual(events.suffix(2), ["finish 1", "start 4"])
    XCTAssertEqual(lanes.backgroundWaiting, 0)
    lanes.backgroundEnded {}
    lanes.backgroundEnded {}
    XCTAssertEqual(lanes.backgroundRunning, 0)
    XCTAssertFalse(events.contains("start 2"))
    // With free slots a new job starts at once.
    lanes.enqueueBackground(LaneScheduler.BackgroundJob(isLive: { true }, start: { events.append("start 5") }))
    XCTAssertEqual(events.last, "start 5")
    XCTAssertEqual(lanes.backgroundRunning, 1)
  }
}

// The runner: every (user, mode) sample once, checkpointed, resumed after a failure, with progress.
import DRPEval
import DRPReasoning
import DRPTestSupport
import Synchronization
import XCTest

final class EvalRunnerTests: XCTestCase {
  let modes: [PipelineMode] = [.nonp, .rag, .dpl, .drp]

  func testGeneratesEverySampleInOrderAndReportsProgress() async throws {
    let writer = CountingWriter()
    let events = Mutex<[EvalProgress]>([])
    let run = try await EvalRunner(writer: writer, checkpoint: nil).run(makeCases(3), modes: modes) { progress in
      events.withLock { $0.append(progress) }
    }
    XCTAssertEqual(writer.calls, 12)
    XCTAssertEqual(run.generated, 12)
    XCTAssertEqual(run.reused, 0)
    XCTAssertEqual(run.samples.map(\.user), ["user0", "user1", "user2"].flatMap { Array(repeating: $0, count: 4) })
    XCTAssertEqual(run.samples.map(\.mode), Array([[PipelineMode]](repeating: modes, count: 3).joined()))
    XCTAssertEqual(run.samples[3].prediction, run.samples[3].reference)
    XCTAssertEqual(run.samples[0].item, "item0")
    XCTAssertEqual(run.samples[0].reviewID, 100)
    let seen = events.withLock { $0 }
    XCTAssertEqual(seen.map(\.done), Array(1...12))
    XCTAssertEqual(seen.map(\.userIndex), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
    XCTAssertTrue(seen.allSatisfy { $0.total == 12 && $0.userCount == 3 && !$0.reused && $0.eta != nil })
    XCTAssertEqual(seen.last?.eta ?? -1, 0, accuracy: 1e-9, "nothing is left to generate")
    XCTAssertTrue(seen[5].line.hasPrefix("eval: user 2/3 (user1) rag: 6/12 samples, elapsed 0:0"), seen[5].line)
  }

  func testKilledRunResumesFromTheCheckpoint() async throws {
    let directory = try TemporaryDirectory()
    let path = EvalCheckpoint.path(home: directory.path("home"), fingerprint: "abc")
    let failing = CountingWriter(failAfter: 5)
    do {
      _ = try await EvalRunner(writer: failing, checkpoint: try EvalCheckpoint(path: path)).run(
        makeCases(3), modes: modes)
      XCTFail("the sixth generation fails")
    } catch let error as EvalError {
      guard case .generationFailed(let user, let mode, let detail) = error else { return XCTFail("\(error)") }
      XCTAssertEqual(user, "user1")
      XCTAssertEqual(mode, "rag")
      XCTAssertTrue(detail.contains("the fake model is down"))
      XCTAssertTrue(error.description.contains("run the same command again to resume"))
    }
    let resumed = CountingWriter()
    let events = Mutex<[EvalProgress]>([])
    let run = try await EvalRunner(writer: resumed, checkpoint: try EvalCheckpoint(path: path)).run(
      makeCases(3), modes: modes
    ) { progress in events.withLock { $0.append(progress) } }
    XCTAssertEqual(resumed.calls, 7, "only the samples missing after the failure are generated")
    XCTAssertEqual(run.generated, 7)
    XCTAssertEqual(run.reused, 5)
    XCTAssertEqual(
      events.withLock { $0.map(\.reused) }, Array(repeating: true, count: 5) + Array(repeating: false, count: 7))
    XCTAssertNil(events.withLock { $0[0].eta }, "no ETA before the first generation")

    let again = CountingWriter()
    let third = try await EvalRunner(writer: again, checkpoint: try EvalCheckpoint(path: path)).run(
      makeCases(3), modes: modes)
    XCTAssertEqual(again.calls, 0)
    XCTAssertEqual(third.samples, run.samples)
    XCTAssertEqual(third.reused, 12)
  }

  func testChangedReferenceIsRegenerated() async throws {
    let directory = try TemporaryDirectory()
    let path = EvalCheckpoint.path(home: directory.path("home"), fingerprint: "abc")
    _ = try await EvalRunner(writer: CountingWriter(), checkpoint: try EvalCheckpoint(path: path)).run(
      makeCases(2), modes: [.drp])
    var cases = makeCases(2)
    cases[1].heldOut.text = "an edited review"
    let writer = CountingWriter()
    let run = try await EvalRunner(writer: writer, checkpoint: try EvalCheckpoint(path: path)).run(cases, modes: [.drp])
    XCTAssertEqual(writer.calls, 1)
    XCTAssertEqual(run.samples[1].prediction, "an edited review")
  }

  /// A writer that sleeps a per-sample time (later samples finish first) and records how many
  /// writes overlap.
  final class SlowWriter: ReviewWriter {
    let inner = CountingWriter()
    let failing: (user: String, mode: PipelineMode)?
    private let active = Mutex<(now: Int, peak: Int)>((0, 0))
    init(failing: (user: String, mode: PipelineMode)? = nil) { self.failing = failing }
    var peak: Int { active.withLock { $0.peak } }

    func write(_ heldOut: HeldOutCase, mode: PipelineMode) async throws -> WrittenReview {
      active.withLock {
        $0.now += 1
        $0.peak = max($0.peak, $0.now)
      }
      defer { active.withLock { $0.now -= 1 } }
      let order = Int(heldOut.heldOut.id - 100) * 4 + (PipelineMode.allCases.firstIndex(of: mode) ?? 0)
      try await Task.sleep(nanoseconds: UInt64(40 - order % 8 * 5) * 1_000_000)
      if let failing, failing.user == heldOut.userID, failing.mode == mode { throw CountingWriter.Failure() }
      return try await inner.write(heldOut, mode: mode)
    }
  }

  func testConcurrentRunKeepsTheOrderAndTheReportOfASequentialOne() async throws {
    let sequential = try await EvalRunner(writer: CountingWriter(), checkpoint: nil).run(makeCases(6), modes: modes)
    let writer = SlowWriter()
    let events = Mutex<[EvalProgress]>([])
    let concurrent = try await EvalRunner(writer: writer, checkpoint: nil, inFlight: { 7 }).run(
      makeCases(6), modes: modes, concurrency: 5
    ) { progress in events.withLock { $0.append(progress) } }
    XCTAssertEqual(writer.peak, 5, "exactly the requested number of samples at once")
    XCTAssertEqual(concurrent.samples.map(\.key), sequential.samples.map(\.key))
    XCTAssertEqual(concurrent.samples.map(\.prediction), sequential.samples.map(\.prediction))
    let seen = events.withLock { $0 }
    XCTAssertEqual(seen.map(\.done), Array(1...24))
    XCTAssertNotEqual(seen.map(\.userIndex), seen.map(\.userIndex).sorted(), "samples finished out of order")
    XCTAssertTrue(seen[0].line.contains(" generating, 7 LLM requests in flight"), seen[0].line)
  }

  func testConcurrentRunSavesEverySampleFinishedBeforeAFailure() async throws {
    let directory = try TemporaryDirectory()
    let path = EvalCheckpoint.path(home: directory.path("home"), fingerprint: "abc")
    do {
      _ = try await EvalRunner(
        writer: SlowWriter(failing: ("user2", .dpl)), checkpoint: try EvalCheckpoint(path: path)
      ).run(makeCases(4), modes: modes, concurrency: 4)
      XCTFail("user2's dpl sample fails")
    } catch let error as EvalError {
      XCTAssertEqual(error, .generationFailed(user: "user2", mode: "dpl", detail: "the fake model is down"))
    }
    let saved = try EvalCheckpoint(path: path)
    // Nothing starts after the failure; everything started before it (at least user0, user1 and
    // user2's nonp and rag: 10 samples) finishes and is saved.
    XCTAssertGreaterThanOrEqual(saved.count, 10)
    XCTAssertLessThanOrEqual(saved.count, 13, "at most the 3 samples running beside the failed one")
    for (index, heldOut) in makeCases(2).enumerated() {
      for mode in modes { XCTAssertNotNil(saved.sample(for: heldOut, mode: mode), "user\(index) \(mode)") }
    }
    let before = saved.count
    let resumed = CountingWriter()
    let run = try await EvalRunner(writer: resumed, checkpoint: saved).run(makeCases(4), modes: modes, concurrency: 4)
    XCTAssertEqual(resumed.calls, 16 - before)
    XCTAssertEqual(run.samples.count, 16)
  }

  struct CancellingWriter: ReviewWriter {
    func write(_ heldOut: HeldOutCase, mode: PipelineMode) async throws -> WrittenReview { throw CancellationError() }
  }

  func testCancellationIsNotReportedAsAGenerationFailure() async throws {
    do {
      _ = try await EvalRunner(writer: CancellingWriter(), checkpoint: nil).run(makeCases(1), modes: [.rag])
      XCTFail("cancelled")
    } catch {
      XCTAssertTrue(error is CancellationError, "\(error)")
    }
  }
}

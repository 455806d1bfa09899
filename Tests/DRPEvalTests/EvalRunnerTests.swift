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

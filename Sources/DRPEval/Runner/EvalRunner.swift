// Generates every (user, mode) held-out review, resuming from saved samples, several at once.
import DRPReasoning
import Foundation

/// Runs the held-out evaluation: for each case and mode, reuse the saved sample or ask the
/// ``ReviewWriter`` for the held-out review and save it as soon as it is done.
///
/// Up to `concurrency` samples are generated at once (each may itself run several LLM calls at
/// once, all within the LLM clients' own limits). Samples are started in case order then mode
/// order, and the run's samples are returned in that order whatever order they finish in, so the
/// report does not depend on the concurrency. Every finished sample is saved at once, so a killed or
/// failed run resumes with the samples it lacks.
public struct EvalRunner: Sendable {
  /// The generation pipeline.
  public var writer: any ReviewWriter
  /// Where finished samples are saved and looked up; nil keeps nothing.
  public var checkpoint: EvalCheckpoint?
  /// The LLM requests in flight now (shown in progress), when known.
  public var inFlight: (@Sendable () -> Int)?

  /// Creates a runner.
  public init(writer: any ReviewWriter, checkpoint: EvalCheckpoint?, inFlight: (@Sendable () -> Int)? = nil) {
    self.writer = writer
    self.checkpoint = checkpoint
    self.inFlight = inFlight
  }

  /// How one generation ended.
  private enum Outcome: Sendable {
    case success(EvalSample)
    case failure(EvalError)
    case cancelled
  }

  /// One sample of the run: which case and mode.
  private struct Job: Sendable {
    var position: Int
    var userIndex: Int
    var heldOut: HeldOutCase
    var mode: PipelineMode
  }

  /// Generates (or reuses) a sample for every case in every mode.
  /// - Parameters:
  ///   - concurrency: samples generated at once (at least 1).
  ///   - progress: called after each sample, in the order samples finish.
  /// - Throws: ``EvalError/generationFailed(user:mode:detail:)`` for the first sample (in run order)
  ///   that failed — no sample is started after a failure, and the ones running then finish and are
  ///   saved first; ``EvalError/checkpoint(path:detail:)``; or `CancellationError`.
  public func run(
    _ cases: [HeldOutCase], modes: [PipelineMode], concurrency: Int = 1,
    progress: @Sendable (EvalProgress) -> Void = { _ in }
  ) async throws -> EvalRun {
    let start = Date()
    var jobs: [Job] = []
    for (index, heldOut) in cases.enumerated() {
      for mode in modes {
        jobs.append(Job(position: jobs.count, userIndex: index + 1, heldOut: heldOut, mode: mode))
      }
    }
    var slots = [EvalSample?](repeating: nil, count: jobs.count)
    var generatedKeys = Set<EvalSample.Key>()
    var pending = jobs.filter { checkpoint?.sample(for: $0.heldOut, mode: $0.mode) == nil }.count
    var done = 0
    var running = 0
    var firstFailure: (position: Int, error: EvalError)?
    var cancelled = false
    let limit = max(1, concurrency)
    let (writer, inFlight) = (self.writer, self.inFlight)

    func report(_ job: Job, reused: Bool) {
      let generated = Double(generatedKeys.count)
      progress(
        EvalProgress(
          userIndex: job.userIndex, userCount: cases.count, user: job.heldOut.userID, mode: job.mode, done: done,
          total: jobs.count, reused: reused, elapsed: Date().timeIntervalSince(start),
          eta: generated == 0 ? nil : Date().timeIntervalSince(start) / generated * Double(pending),
          running: limit > 1 ? running : nil, llmInFlight: inFlight?()))
    }

    try await withThrowingTaskGroup(of: (Job, Outcome).self) { group in
      /// Takes one finished generation: saves it, or keeps the earliest failure and stops starting more.
      func collect() async throws -> Bool {
        guard let (job, outcome) = try await group.next() else { return false }
        running -= 1
        switch outcome {
        case .cancelled:
          cancelled = true
          group.cancelAll()
        case .success(let sample):
          try await checkpoint?.recordAsync(sample)
          slots[job.position] = sample
          generatedKeys.insert(sample.key)
          done += 1
          pending -= 1
          report(job, reused: false)
        case .failure(let error):
          // Start no more; the samples already running finish and are saved (their calls are paid for).
          if firstFailure == nil || job.position < firstFailure!.position { firstFailure = (job.position, error) }
        }
        return true
      }

      for job in jobs {
        if firstFailure != nil || cancelled { break }
        try Task.checkCancellation()
        if let saved = checkpoint?.sample(for: job.heldOut, mode: job.mode) {
          slots[job.position] = saved
          done += 1
          report(job, reused: true)
          continue
        }
        while running >= limit { _ = try await collect() }
        if firstFailure != nil || cancelled { break }
        running += 1
        group.addTask {
          let began = Date()
          let written: WrittenReview
          do {
            written = try await writer.write(job.heldOut, mode: job.mode)
          } catch is CancellationError {
            return (job, .cancelled)
          } catch {
            if Task.isCancelled { return (job, .cancelled) }
            return (
              job,
              .failure(.generationFailed(user: job.heldOut.userID, mode: job.mode.rawValue, detail: "\(error)"))
            )
          }
          let review = job.heldOut.heldOut
          return (
            job,
            .success(
              EvalSample(
                user: job.heldOut.userID, item: review.itemID, mode: job.mode, reviewID: review.id,
                prediction: written.text, reference: review.text, llmCalls: written.llmCalls, tokens: written.tokens,
                seconds: Date().timeIntervalSince(began), reasoningCalls: written.reasoningCalls,
                reasoningTokens: written.reasoningTokens, truncated: written.truncated))
          )
        }
      }
      while try await collect() {}
    }
    if let firstFailure { throw firstFailure.error }
    if cancelled { throw CancellationError() }
    try Task.checkCancellation()
    return EvalRun(
      samples: slots.compactMap { $0 }, generatedKeys: generatedKeys, reused: jobs.count - generatedKeys.count,
      seconds: Date().timeIntervalSince(start))
  }
}

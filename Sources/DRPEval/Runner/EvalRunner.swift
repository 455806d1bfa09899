// Generates every (user, mode) held-out review, resuming from saved samples.
import DRPReasoning
import Foundation

/// Runs the held-out evaluation: for each case and mode, reuse the saved sample or ask the
/// ``ReviewWriter`` for the held-out review and save it at once. Sequential, in case order then
/// mode order, so a killed run resumes exactly where it stopped.
public struct EvalRunner: Sendable {
  /// The generation pipeline.
  public var writer: any ReviewWriter
  /// Where finished samples are saved and looked up; nil keeps nothing.
  public var checkpoint: EvalCheckpoint?

  /// Creates a runner.
  public init(writer: any ReviewWriter, checkpoint: EvalCheckpoint?) {
    self.writer = writer
    self.checkpoint = checkpoint
  }

  /// Generates (or reuses) a sample for every case in every mode.
  /// - Parameter progress: called after each sample.
  /// - Throws: ``EvalError/generationFailed(user:mode:detail:)`` (samples finished before it are saved),
  ///   ``EvalError/checkpoint(path:detail:)``, or `CancellationError`.
  public func run(
    _ cases: [HeldOutCase], modes: [PipelineMode], progress: @Sendable (EvalProgress) -> Void = { _ in }
  ) async throws -> EvalRun {
    let start = Date()
    let total = cases.count * modes.count
    var pending = cases.reduce(0) { sum, heldOut in
      sum + modes.filter { checkpoint?.sample(for: heldOut, mode: $0) == nil }.count
    }
    var samples: [EvalSample] = []
    samples.reserveCapacity(total)
    var generatedKeys = Set<EvalSample.Key>(), generationSeconds = 0.0
    for (index, heldOut) in cases.enumerated() {
      for mode in modes {
        try Task.checkCancellation()
        let saved = checkpoint?.sample(for: heldOut, mode: mode)
        if let saved {
          samples.append(saved)
        } else {
          let began = Date()
          let written: WrittenReview
          do {
            written = try await writer.write(heldOut, mode: mode)
          } catch is CancellationError {
            throw CancellationError()
          } catch {
            throw EvalError.generationFailed(user: heldOut.userID, mode: mode.rawValue, detail: "\(error)")
          }
          let seconds = Date().timeIntervalSince(began)
          let sample = EvalSample(
            user: heldOut.userID, item: heldOut.heldOut.itemID, mode: mode, reviewID: heldOut.heldOut.id,
            prediction: written.text, reference: heldOut.heldOut.text, llmCalls: written.llmCalls,
            tokens: written.tokens, seconds: seconds)
          try checkpoint?.record(sample)
          samples.append(sample)
          generatedKeys.insert(sample.key)
          generationSeconds += seconds
          pending -= 1
        }
        progress(
          EvalProgress(
            userIndex: index + 1, userCount: cases.count, user: heldOut.userID, mode: mode, done: samples.count,
            total: total, reused: saved != nil, elapsed: Date().timeIntervalSince(start),
            eta: generatedKeys.isEmpty ? nil : generationSeconds / Double(generatedKeys.count) * Double(pending)))
      }
    }
    return EvalRun(
      samples: samples, generatedKeys: generatedKeys, reused: samples.count - generatedKeys.count,
      seconds: Date().timeIntervalSince(start))
  }
}

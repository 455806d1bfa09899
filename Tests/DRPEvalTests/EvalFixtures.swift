// Fakes shared by the runner and report tests.
import DRPEval
import DRPReasoning
import DRPStore
import Foundation
import Synchronization

/// A `ReviewWriter` that writes a deterministic text per (user, mode), counts its calls, and can be
/// told to fail after a number of calls.
final class CountingWriter: ReviewWriter {
  private let state = Mutex<(calls: Int, failAfter: Int?)>((0, nil))

  init(failAfter: Int? = nil) { state.withLock { $0.failAfter = failAfter } }

  /// Calls made so far.
  var calls: Int { state.withLock { $0.calls } }

  struct Failure: Error, CustomStringConvertible {
    var description: String { "the fake model is down" }
  }

  func write(_ heldOut: HeldOutCase, mode: PipelineMode) async throws -> WrittenReview {
    try state.withLock { state in
      if let limit = state.failAfter, state.calls >= limit { throw Failure() }
      state.calls += 1
    }
    // nonp echoes nothing of the reference; drp copies it (a perfect score), the others half of it.
    let words = heldOut.heldOut.text.split(separator: " ")
    let text: String
    switch mode {
    case .nonp: text = "a generic review of \(heldOut.heldOut.itemID)"
    case .drp: text = heldOut.heldOut.text
    default: text = words.prefix(words.count / 2).joined(separator: " ")
    }
    return WrittenReview(text: text, llmCalls: mode == .nonp ? 1 : 3, tokens: 10 * (mode == .nonp ? 1 : 3))
  }
}

/// `count` cases with distinct multi-word references.
func makeCases(_ count: Int) -> [HeldOutCase] {
  (0..<count).map { index in
    HeldOutCase(
      userID: "user\(index)",
      heldOut: Review(
        id: Int64(100 + index), userID: "user\(index)", itemID: "item\(index % 3)", rating: 4, title: "fine",
        text: "the paper quality of issue \(index) was good and the stories were long enough for me", timestamp: 50),
      historyCount: 5)
  }
}

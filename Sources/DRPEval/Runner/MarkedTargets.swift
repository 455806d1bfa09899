// Benchmark targets: the held-out reviews an import marked (`drp import --format dpl`).
import DRPStore

/// The evaluation cases of a benchmark whose targets are stored and marked (``HeldOutMark``), such as
/// the DPL benchmark: each marked user's held-out review is their target, the reviews written before it
/// are history, and any written after it (another split's rows) are hidden with it.
public struct MarkedTargets: Sendable {
  /// The marks' source (`dpl`).
  public var source: String

  /// Creates the target list of `source`.
  public init(source: String) {
    self.source = source
  }

  /// Every marked user's case, sorted by user id; users whose target has no review before it are left out.
  /// - Throws: store errors.
  public func cases(in store: ReviewStore) throws -> [HeldOutCase] {
    var cases: [HeldOutCase] = []
    for mark in try store.heldOutMarks(source: source) {
      let reviews = try store.reviews(ofUser: mark.userID)
      guard let target = reviews.first(where: { $0.id == mark.reviewID }) else { continue }
      // A benchmark row's history may share the target's timestamp; only strictly later reviews are hidden.
      let hidden = reviews.filter { $0.timestamp > target.timestamp }.map(\.id)
      let history = reviews.count - 1 - hidden.count
      guard history > 0 else { continue }
      cases.append(HeldOutCase(userID: mark.userID, heldOut: target, historyCount: history, hidden: hidden))
    }
    return cases
  }
}

// Errors of the evaluation runner.

/// Why an evaluation cannot run or continue, with a message a user understands.
public enum EvalError: Error, CustomStringConvertible, Equatable {
  /// The split's parameters cannot be used.
  case invalidSplit(String)
  /// No user of the store satisfies the split.
  case noEligibleUsers(minReviews: Int, category: String?)
  /// The file of finished samples cannot be read or written.
  case checkpoint(path: String, detail: String)
  /// Generating one held-out review failed (finished samples are kept; re-running resumes).
  case generationFailed(user: String, mode: String, detail: String)
  /// A `--sweep` specification cannot be used.
  case invalidSweep(String)

  /// A readable description of the problem.
  public var description: String {
    switch self {
    case .invalidSplit(let detail), .invalidSweep(let detail):
      return detail
    case .noEligibleUsers(let minReviews, let category):
      let scope = category.map { " of items in category '\($0)'" } ?? ""
      return "no user has at least \(minReviews) reviews\(scope): import more data or lower --min-reviews"
    case .checkpoint(let path, let detail):
      return "the evaluation checkpoint \(path) cannot be used: \(detail)"
    case .generationFailed(let user, let mode, let detail):
      return "generating user \(user)'s held-out review in mode \(mode) failed: \(detail) "
        + "(finished samples are saved; run the same command again to resume)"
    }
  }
}

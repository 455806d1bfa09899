// Errors of the metrics API.

/// A misuse of the metrics API, with a message a user understands.
public enum MetricsError: Error, CustomStringConvertible, Equatable {
  /// Predictions and references must pair up one to one.
  case countMismatch(predictions: Int, references: Int)
  /// A bootstrap interval needs at least one item to resample.
  case emptySample
  /// A bootstrap needs at least one resample and a confidence level strictly between 0 and 1.
  case invalidBootstrap(resamples: Int, confidence: Double)

  /// A readable description of the problem.
  public var description: String {
    switch self {
    case .countMismatch(let predictions, let references):
      return "metrics need one reference per prediction, got \(predictions) predictions and \(references) references"
    case .emptySample:
      return "cannot compute a bootstrap interval over an empty sample"
    case .invalidBootstrap(let resamples, let confidence):
      return
        "bootstrap needs resamples >= 1 and 0 < confidence < 1, got resamples \(resamples), confidence \(confidence)"
    }
  }
}

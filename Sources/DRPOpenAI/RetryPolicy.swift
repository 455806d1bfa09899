import Foundation

/// Exponential backoff with jitter; a server's `Retry-After` takes precedence.
struct RetryPolicy: Sendable {
  /// Retries after the first attempt.
  var maxRetries: Int
  /// First delay in seconds.
  var baseDelay: Double
  /// Longest computed delay in seconds.
  var maxDelay: Double = 8
  /// Longest `Retry-After` honoured, in seconds.
  var maxRetryAfter: Double = 60

  /// Seconds to wait before retry number `retry` (0-based): `baseDelay * 2^retry`, capped, then
  /// scaled by a random factor in [0.5, 1]; or the server's `Retry-After`, capped.
  func delay(beforeRetry retry: Int, retryAfter: Double?) -> Double {
    if let retryAfter { return min(max(0, retryAfter), maxRetryAfter) }
    let exponential = min(maxDelay, baseDelay * pow(2, Double(min(retry, 30))))
    return exponential * Double.random(in: 0.5...1)
  }

  /// Parses a `Retry-After` header: delta seconds or an HTTP date.
  static func parseRetryAfter(_ value: String?, now: Date = Date()) -> Double? {
    guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
    if let seconds = Double(value) { return max(0, seconds) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: value) else { return nil }
    return max(0, date.timeIntervalSince(now))
  }
}

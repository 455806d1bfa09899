import DRPStore
import Foundation

/// Plain-text rendering of reviews for terminal output.
enum ReviewText {
  private static let formatter: DateFormatter = {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd"
    return f
  }()

  /// `date  rating  user -> item  title` and the indented text.
  static func format(_ review: Review) -> String {
    let date = formatter.string(from: Date(timeIntervalSince1970: Double(review.timestamp) / 1000))
    return "\n\(date)  \(review.rating)/5  \(review.userID) -> \(review.itemID)  \(review.title)\n  \(review.text)"
  }
}

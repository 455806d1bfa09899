// The paper's time-based protocol: each user's last review is held out, the rest is history.
import DRPCore
import DRPStore
import Foundation

/// Chooses evaluation users and their held-out reviews from a store.
///
/// A user is eligible with at least `minReviews` reviews (counting, with a category, only reviews of
/// items in that category). Their held-out review is the last one in time (ties broken by row id)
/// among the counted reviews. The split is by time across all the user's reviews: reviews written
/// before it (any category) are history; reviews written after it (other categories, with a category)
/// are hidden like the held-out review (``HeldOutCase/hidden``).
public struct HeldOutSplit: Sendable {
  /// Minimum reviews for a user to be eligible (at least 2: one held out, one of history).
  public var minReviews: Int
  /// When set, only items of this category count (see ``matches(_:category:)``).
  public var category: String?

  /// Creates a split.
  /// - Throws: ``EvalError/invalidSplit(_:)`` when `minReviews` < 2 or `category` is blank.
  public init(minReviews: Int = 5, category: String? = nil) throws {
    guard minReviews >= 2 else {
      throw EvalError.invalidSplit("--min-reviews must be at least 2 (one review held out, one of history)")
    }
    if let category, Self.normalised(category).isEmpty {
      throw EvalError.invalidSplit("--category must not be empty")
    }
    self.minReviews = minReviews
    self.category = category
  }

  /// Every eligible user's case, sorted by user id.
  /// - Throws: store errors.
  public func cases(in store: ReviewStore) throws -> [HeldOutCase] {
    var itemMatches: [String: Bool] = [:]
    var cases: [HeldOutCase] = []
    for userID in try store.allUserIDs() {
      let reviews = try store.reviews(ofUser: userID)
      guard reviews.count >= minReviews else { continue }
      let counted: [Review]
      if let category {
        counted = try reviews.filter { review in
          if let known = itemMatches[review.itemID] { return known }
          let match = try store.item(review.itemID).map { Self.matches($0, category: category) } ?? false
          itemMatches[review.itemID] = match
          return match
        }
      } else {
        counted = reviews
      }
      guard counted.count >= minReviews, let last = counted.last,
        let position = reviews.firstIndex(where: { $0.id == last.id })
      else { continue }
      cases.append(
        HeldOutCase(
          userID: userID, heldOut: last, historyCount: position, hidden: reviews[(position + 1)...].map(\.id)))
    }
    return cases
  }

  /// `count` of `cases` drawn without replacement with `seed` (a seeded shuffle, so the users of a
  /// smaller count are the first users of a larger one with the same seed); all of them when fewer.
  public static func sample(_ cases: [HeldOutCase], count: Int, seed: UInt64) -> [HeldOutCase] {
    var shuffled = cases
    var generator = SplitMix64(seed: seed)
    if shuffled.count > 1 {
      for index in stride(from: shuffled.count - 1, to: 0, by: -1) {
        let other = Int(generator.next() % UInt64(index + 1))
        shuffled.swapAt(index, other)
      }
    }
    return Array(shuffled.prefix(max(count, 0)))
  }

  /// Whether `item` belongs to `category`: its main category, one of its categories, or a `category`
  /// string in its metadata, compared case-insensitively with `_` and spaces equivalent
  /// (`Magazine_Subscriptions` matches `Magazine Subscriptions`).
  public static func matches(_ item: Item, category: String) -> Bool {
    let wanted = normalised(category)
    if normalised(item.mainCategory) == wanted { return true }
    if item.categories.contains(where: { normalised($0) == wanted }) { return true }
    guard
      let metadataCategory = (try? JSONParser().parse(item.metadataJSON))?["category"]?.string
    else { return false }
    return normalised(metadataCategory) == wanted
  }

  private static func normalised(_ text: String) -> String {
    text.replacingOccurrences(of: "_", with: " ").trimmingCharacters(in: .whitespaces).lowercased()
  }
}

// Deterministic synthetic data set in the Amazon Reviews 2023 JSONL schema.
import DRPCore
import Foundation

/// Sizes and seed of a synthetic data set.
public struct SampleOptions: Sendable, Equatable {
  /// Users.
  public var users = 300
  /// Items.
  public var items = 80
  /// Mean reviews per user.
  public var reviewsPerUser = 12
  /// Each user writes `reviewsPerUser` plus a uniform number in `-spread...spread` reviews.
  public var spread = 2
  /// Random seed; the same options always give identical bytes.
  public var seed: UInt64 = 42

  /// The default sample (300 users, 80 items, ~12 reviews each, seed 42).
  public init() {}
}

/// What was written.
public struct SampleSummary: Sendable, Codable, Equatable {
  /// Path of the reviews file.
  public var reviewsPath: String
  /// Path of the items file.
  public var itemsPath: String
  /// Users written.
  public var users: Int
  /// Items written.
  public var items: Int
  /// Reviews written.
  public var reviews: Int

  enum CodingKeys: String, CodingKey {
    case users, items, reviews
    case reviewsPath = "reviews_path"
    case itemsPath = "items_path"
  }
}

/// Writes `reviews.jsonl` and `items.jsonl`: users with distinct personas (`Persona`) reviewing
/// shared items, timestamps increasing per user. Streaming: memory does not grow with the size.
public struct SampleGenerator: Sendable {
  /// The options.
  public let options: SampleOptions

  /// Creates a generator.
  public init(options: SampleOptions = SampleOptions()) { self.options = options }

  /// The id of user number `index`.
  public static func userID(_ index: Int) -> String { "SU" + String(index, radix: 10).leftPadded(to: 7) }
  /// The id of item number `index`.
  public static func itemID(_ index: Int) -> String { "SI" + String(index, radix: 10).leftPadded(to: 6) }

  /// The persona of user number `index` (what the generator used to write that user's reviews).
  public func persona(ofUser index: Int) -> Persona {
    var rng = SplitMix64(seed: options.seed &+ 0x1000 &+ UInt64(index) &* 0x9E37_79B9)
    return Persona.random(&rng)
  }

  /// Writes `directory/reviews.jsonl` and `directory/items.jsonl`, creating the directory.
  /// - Throws: file-system errors.
  public func write(to directory: String) throws -> SampleSummary {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let itemsPath = (directory as NSString).appendingPathComponent("items.jsonl")
    let reviewsPath = (directory as NSString).appendingPathComponent("reviews.jsonl")
    let qualities = try writeItems(to: itemsPath)
    let reviews = try writeReviews(to: reviewsPath, qualities: qualities)
    return SampleSummary(
      reviewsPath: reviewsPath, itemsPath: itemsPath, users: options.users, items: qualities.count, reviews: reviews)
  }

  private func writeItems(to path: String) throws -> [Double] {
    var rng = SplitMix64(seed: options.seed)
    let out = try BufferedWriter(path: path)
    var qualities: [Double] = []
    for index in 0..<max(1, options.items) {
      let noun = WordBank.nouns[index % WordBank.nouns.count]
      let title = "\(rng.pick(WordBank.brands)) \(rng.pick(WordBank.itemAdjectives)) \(noun.capitalized)"
      let categories = rng.pick(WordBank.categories)
      let quality = 2.5 + 2 * rng.nextUnit()
      qualities.append(quality)
      let description = [
        "The \(title) is a \(noun) made for use \(rng.pick(WordBank.uses)).",
        "It comes in \(rng.pick(["black", "grey", "green", "blue", "sand"])) and weighs \(rng.int(1...40) * 50) grams.",
      ]
      try out.write(
        "{\"parent_asin\":\(json(Self.itemID(index))),\"title\":\(json(title)),\"main_category\":\(json(categories[0])),"
          + "\"categories\":[\(categories.map(json).joined(separator: ","))],"
          + "\"description\":[\(description.map(json).joined(separator: ","))],"
          + "\"price\":\(rng.int(5...200)).99,\"store\":\(json(title.split(separator: " ")[0].description))}\n")
    }
    try out.close()
    return qualities
  }

  private func writeReviews(to path: String, qualities: [Double]) throws -> Int {
    let out = try BufferedWriter(path: path)
    var total = 0
    let day: Int64 = 86_400_000
    for user in 0..<options.users {
      let persona = persona(ofUser: user)
      var rng = SplitMix64(seed: options.seed &+ 0x5EED_0000 &+ UInt64(user) &* 0x2545_F491)
      let wanted = options.reviewsPerUser + (options.spread > 0 ? rng.int(-options.spread...options.spread) : 0)
      let count = min(max(1, wanted), qualities.count)
      var chosen = Set<Int>()
      var time: Int64 = 1_600_000_000_000 + Int64(rng.int(0...365)) * day
      for _ in 0..<count {
        var item = Int(rng.next() % UInt64(qualities.count))
        while chosen.contains(item) { item = (item + 1) % qualities.count }
        chosen.insert(item)
        time += Int64(rng.int(1...60)) * day + Int64(rng.int(0...86_399)) * 1000
        let rating = min(5, max(1, (qualities[item] + persona.ratingBias + rng.nextUnit() - 0.5).rounded()))
        let writer = ReviewComposer(persona: persona, noun: WordBank.nouns[item % WordBank.nouns.count], rating: rating)
        let (title, text) = writer.compose(&rng)
        try out.write(
          "{\"user_id\":\(json(Self.userID(user))),\"parent_asin\":\(json(Self.itemID(item))),\"rating\":\(rating),"
            + "\"title\":\(json(title)),\"text\":\(json(text)),\"timestamp\":\(time),"
            + "\"verified_purchase\":\(rng.chance(0.8)),\"helpful_vote\":\(rng.int(0...3) * rng.int(0...3))}\n")
        total += 1
      }
    }
    try out.close()
    return total
  }

  private func json(_ s: String) -> String { JSONText.quote(s) }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}

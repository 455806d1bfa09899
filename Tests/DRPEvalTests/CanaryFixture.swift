// A home directory where each evaluated user's held-out review carries a unique canary token.
import DRPCore
import DRPEngine
import DRPStore
import DRPTestSupport
import Foundation
import XCTest

/// Sample data (`drp sample` + `drp import`) plus, for `canaryUsers` users, one newest review of an
/// item they had not reviewed, whose text (not its title) contains `canary(k)`; then `drp embed`.
/// The canary item is the item with the most reviewers, so an unexcluded held-out review would be
/// the first key sample and the most relevant history review. With `crossUsers`, canary user k's
/// item is instead the most-reviewed item in the history of canary user k + 1 (or the next canary
/// user with an item k has not reviewed; the canary users are then those with the fewest reviews), so
/// k's held-out review sits in the peer pool of an item another evaluated user compares.
struct CanaryFixture {
  let directory: TemporaryDirectory
  /// The home directory.
  let home: URL
  /// Users whose last review carries a canary, with that review.
  let heldOut: [(user: String, review: Review, canary: String)]

  /// The token planted in user number `index`'s held-out review.
  static func canary(_ index: Int) -> String { "zqxcanary\(17 + index)" }

  init(canaryUsers: Int = 3, crossUsers: Bool = false, embed: Bool = true) throws {
    directory = try TemporaryDirectory("drp-canary")
    home = directory.url.appendingPathComponent("home")
    let sample = directory.path("sample")
    try Self.check(
      runProcess(
        TestSupport.drpBinary,
        ["sample", "--out", sample, "--users", "30", "--items", "12", "--reviews-per-user", "6", "--seed", "5"]))
    try Self.check(
      drp(home: home, ["import", sample + "/reviews.jsonl", sample + "/items.jsonl"]))
    let store = try ReviewStore(home: home.path)
    let byReviewers = Dictionary(
      grouping: try store.allUserIDs().flatMap { try store.reviews(ofUser: $0) }, by: \.itemID
    )
    .mapValues { Set($0.map(\.userID)).count }
    var planted: [(String, Review, String)] = []
    var users = try store.allUserIDs()
    if crossUsers {
      // The users with the fewest reviews: the most items left for another canary user's history to share.
      let counts = Dictionary(uniqueKeysWithValues: try users.map { ($0, try store.reviews(ofUser: $0).count) })
      users.sort { (counts[$0]!, $0) < (counts[$1]!, $1) }
    }
    let canaryIDs = Array(users.prefix(canaryUsers)).sorted()
    for (index, user) in canaryIDs.enumerated() {
      let own = try store.reviews(ofUser: user)
      let reviewed = Set(own.map(\.itemID))
      var candidates = byReviewers.filter { !reviewed.contains($0.key) }
      if crossUsers {
        // The first other canary user (k + 1, k + 2, ... cyclically) with an item k has not reviewed.
        var shared: [String: Int] = [:]
        for step in 1..<canaryIDs.count where shared.isEmpty {
          let next = Set(try store.reviews(ofUser: canaryIDs[(index + step) % canaryIDs.count]).map(\.itemID))
          shared = candidates.filter { next.contains($0.key) }
        }
        guard !shared.isEmpty else { throw FixtureError("no other canary user reviewed an item \(user) did not") }
        candidates = shared
      }
      let item = try XCTUnwrap(candidates.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
      let canary = Self.canary(index)
      let review = Review(
        userID: user, itemID: item, rating: 4, title: "Held out on purpose",
        text: "I keep saying \(canary) about this one. The \(canary) finish is what I liked most, \(canary) again.",
        timestamp: (own.map(\.timestamp).max() ?? 0) + 86_400_000)
      guard case .inserted(let id) = try store.addReview(review) else {
        throw FixtureError("canary review not inserted")
      }
      var stored = review
      stored.id = id
      planted.append((user, stored, canary))
    }
    heldOut = planted
    if embed { try Self.check(drp(home: home, ["embed"])) }
  }

  /// An engine on the fixture's home, writing with `llm` (reasoner too) when given, offline otherwise.
  func engine(llm: EchoChatServer? = nil) throws -> Engine {
    var config = DRPConfig()
    config.home = home.path
    if let llm {
      config.llm.url = llm.baseURL
      config.llm.model = "echo"
      // The echo server quotes whole prompts back, far more than `max_tokens` lets a real model
      // write (the default reply limit is 16 bytes a token + 64 KiB).
      config.llm.maxReplyBytes = 1 << 20
      config.reasoner = config.llm
    }
    return try Engine(home: home.path, config: config)
  }

  private static func check(_ result: ProcessResult) throws {
    guard result.status == 0 else {
      throw FixtureError("fixture command failed (\(result.status)): \(result.stderr.prefix(400))")
    }
  }

  /// A fixture step that failed (fails the test).
  struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }
}

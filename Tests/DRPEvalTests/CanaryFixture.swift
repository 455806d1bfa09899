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
/// the first key sample and the most relevant history review.
struct CanaryFixture {
  let directory: TemporaryDirectory
  /// The home directory.
  let home: URL
  /// Users whose last review carries a canary, with that review.
  let heldOut: [(user: String, review: Review, canary: String)]

  /// The token planted in user number `index`'s held-out review.
  static func canary(_ index: Int) -> String { "zqxcanary\(17 + index)" }

  init(canaryUsers: Int = 3) throws {
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
    for (index, user) in try store.allUserIDs().prefix(canaryUsers).enumerated() {
      let own = try store.reviews(ofUser: user)
      let reviewed = Set(own.map(\.itemID))
      let item = try XCTUnwrap(
        byReviewers.filter { !reviewed.contains($0.key) }.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
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
    try Self.check(drp(home: home, ["embed"]))
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

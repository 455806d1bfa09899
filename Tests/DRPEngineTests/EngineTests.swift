// Engine API tests: held-out exclusion, adding reviews, error kinds, strategies on real data.
import DRPCore
import DRPEngine
import DRPStore
import DRPTestSupport
import Foundation
import XCTest

final class EngineTests: XCTestCase {
  private static let kettle = "the steel kettle boils water fast, a kettle with a whistle"
  private static let bicycle = "bicycle chain and gears, the pedal crank of this bicycle"

  /// target: one kettle review (k1) and a later bicycle review (b1, the held-out one); clone's
  /// only review has the same text as target's kettle review, so clone's vector is exactly what
  /// target's vector must be without the bicycle review.
  private func heldOutHome(_ dir: TemporaryDirectory) throws -> (engine: Engine, heldOut: Int64, gammaOnB1: Int64) {
    var reviews: [FixtureReview] = [
      FixtureReview(user: "target", item: "k1", title: "", text: Self.kettle, time: 1_600_000_000),
      FixtureReview(user: "target", item: "b1", title: "", text: Self.bicycle, time: 1_600_100_000),
      FixtureReview(user: "clone", item: "k1", title: "", text: Self.kettle, time: 1_600_000_500),
      FixtureReview(
        user: "alpha", item: "lamp", title: "", text: "a warm reading lamp, the kettle sits beside it",
        time: 1_600_000_600),
    ]
    for (number, user) in ["alpha", "beta", "gamma", "delta"].enumerated() {
      let time = Int64(1_600_001_000 + number)
      reviews.append(
        FixtureReview(user: user, item: "k1", title: "", text: "kettle number \(number) boils", time: time))
      reviews.append(
        FixtureReview(user: user, item: "b1", title: "", text: "bicycle gears \(number) shift", time: time))
    }
    let home = try EngineFixture.importReviews(
      reviews, items: ["k1": "Steel Kettle", "b1": "Road Bicycle", "lamp": "Reading Lamp"], into: dir)
    let engine = try Engine(home: home.path, config: DRPConfig())
    _ = try engine.embed()
    let heldOut = try XCTUnwrap(try engine.store.reviews(ofUser: "target").last { $0.itemID == "b1" }?.id)
    let gamma = try XCTUnwrap(try engine.store.reviews(ofUser: "gamma").first { $0.itemID == "b1" }?.id)
    return (engine, heldOut, gamma)
  }

  func testExcludedReviewDoesNotInfluenceTheTargetVector() throws {
    let dir = try TemporaryDirectory()
    let (engine, heldOut, _) = try heldOutHome(dir)
    let withHeldOut = try engine.neighbors(user: "target", k: 10)
    let without = try engine.neighbors(user: "target", k: 10, excluding: [heldOut])
    // Without the bicycle review, target's vector is the kettle review's vector: clone's vector.
    XCTAssertEqual(without.first?.id, "clone")
    XCTAssertEqual(Double(try XCTUnwrap(without.first).score), 1, accuracy: 1e-5)
    let cloneView = Dictionary(
      uniqueKeysWithValues: try engine.neighbors(user: "clone", k: 10).map { ($0.id, $0.score) })
    for neighbor in without where neighbor.id != "clone" {
      XCTAssertEqual(neighbor.score, try XCTUnwrap(cloneView[neighbor.id]), accuracy: 1e-5, neighbor.id)
    }
    // And it differs from the vector that includes the review.
    let full = Dictionary(uniqueKeysWithValues: withHeldOut.map { ($0.id, $0.score) })
    XCTAssertLessThan(try XCTUnwrap(full["clone"]), 0.99)
  }

  func testExcludedReviewsAreNeverCandidatesOrHistory() throws {
    let dir = try TemporaryDirectory()
    let (engine, heldOut, gammaOnB1) = try heldOutHome(dir)
    for strategy in ["nearest", "diverse", "representative", "contrastive"] {
      let all = try engine.peers(user: "target", item: "b1", strategy: strategy, count: 10)
      XCTAssertEqual(Set(all.map(\.id)), ["alpha", "beta", "gamma", "delta"], strategy)
      let hidden = try engine.peers(
        user: "target", item: "b1", strategy: strategy, count: 10, excluding: [heldOut, gammaOnB1])
      XCTAssertEqual(Set(hidden.map(\.id)), ["alpha", "beta", "delta"], strategy)
      XCTAssertFalse(hidden.contains { $0.reviewID == String(gammaOnB1) })
    }
    let filtered = try engine.neighbors(user: "target", k: 10, item: "b1", excluding: [heldOut, gammaOnB1])
    XCTAssertEqual(Set(filtered.map(\.id)), ["alpha", "beta", "delta"])
    // b1 has 4 other reviewers: a key sample for the lamp, unless target's review of it is held out.
    let keys = try engine.keySamples(user: "target", item: "lamp")
    XCTAssertTrue(keys.contains { $0.itemID == "b1" && $0.otherReviewers == 4 })
    let heldOutKeys = try engine.keySamples(user: "target", item: "lamp", excluding: [heldOut])
    XCTAssertFalse(heldOutKeys.contains { $0.itemID == "b1" })
    XCTAssertEqual(heldOutKeys.first { $0.itemID == "k1" }?.otherReviewers, 5)
    // All of a user's reviews held out: the user has no reviews.
    let everything = Set(try engine.store.reviews(ofUser: "clone").map(\.id))
    XCTAssertThrowsError(try engine.neighbors(user: "clone", k: 3, excluding: everything)) { error in
      XCTAssertEqual((error as? EngineError)?.kind, .notFound)
    }
  }

  func testAddReviewUpdatesTheUserVectorAndFlushSaves() throws {
    let dir = try TemporaryDirectory()
    let (engine, _, _) = try heldOutHome(dir)
    let before = try XCTUnwrap(engine.index.vector(for: "clone"))
    let review = Review(
      userID: "clone", itemID: "b1", rating: 3, title: "", text: Self.bicycle, timestamp: 1_700_000_000_000)
    let outcome = try BlockingCall.run { try await engine.addReview(review) }
    XCTAssertTrue(outcome.indexed, outcome.note ?? "")
    XCTAssertNotNil(outcome.reviewID)
    let after = try XCTUnwrap(engine.index.vector(for: "clone"))
    XCTAssertNotEqual(before, after)
    XCTAssertTrue(try engine.stats().indexStale)
    XCTAssertEqual(try BlockingCall.run { try await engine.addReview(review) }.duplicate, true)
    try engine.flush()
    XCTAssertFalse(try engine.stats().indexStale)
    let reopened = try Engine(home: engine.home, config: DRPConfig())
    XCTAssertEqual(reopened.index.vector(for: "clone"), after)
    XCTAssertEqual(try reopened.embed().reviewsEmbedded, 0, "addReview stored the review vector")
  }

  func testErrorKinds() throws {
    let dir = try TemporaryDirectory()
    let (engine, _, _) = try heldOutHome(dir)
    let cases: [(ErrorKind, () throws -> Void)] = [
      (.notFound, { _ = try engine.peers(user: "nobody", item: "b1") }),
      (.notFound, { _ = try engine.peers(user: "target", item: "nothing") }),
      (.invalidArgument, { _ = try engine.peers(user: "target", item: "b1", strategy: "random") }),
      (.invalidArgument, { _ = try engine.neighbors(user: "target", k: 0) }),
      (.invalidArgument, { _ = try engine.neighbors(vector: [1, 2], k: 3) }),
      (.notFound, { _ = try engine.keySamples(user: "target", item: "nothing") }),
    ]
    for (number, (kind, body)) in cases.enumerated() {
      XCTAssertThrowsError(try body(), "case \(number)") { error in
        XCTAssertEqual((error as? EngineError)?.kind, kind, "case \(number): \(error)")
      }
    }
    // Before any embedding, queries say what to run.
    let fresh = try TemporaryDirectory()
    let home = try EngineFixture.importReviews(
      [FixtureReview(user: "u", item: "i", title: "", text: "words", time: 1_600_000_000)], items: ["i": "Item"],
      into: fresh)
    let unembedded = try Engine(home: home.path, config: DRPConfig())
    XCTAssertThrowsError(try unembedded.neighbors(user: "u", k: 1)) { error in
      XCTAssertEqual((error as? EngineError)?.kind, .unavailable)
      XCTAssertTrue("\(error)".contains("drp embed"), "\(error)")
    }
  }

  /// On real reviews, nearest and diverse choose different peer sets for some user and item.
  func testStrategiesDifferOnRealData() throws {
    let reviewsFile = try TestSupport.sharedDataFile("amazon2018_5core_magazine_giftcards.reviews.jsonl")
    let itemsFile = try TestSupport.sharedDataFile("amazon2018_5core_magazine_giftcards.items.jsonl")
    let dir = try TemporaryDirectory()
    let home = dir.url.appendingPathComponent("home")
    XCTAssertEqual(try drp(home: home, ["import", itemsFile.path, reviewsFile.path]).status, 0)
    let engine = try Engine(home: home.path, config: DRPConfig())
    _ = try engine.embed()
    let deadline = Date().addingTimeInterval(60)
    var compared = 0
    var differing = 0
    for user in try engine.store.users(limit: 1000) where user.reviewCount >= 5 {
      for review in try engine.store.reviews(ofUser: user.id)
      where try engine.store.reviewers(ofItem: review.itemID).count > 8 {
        let nearest = try engine.peers(user: user.id, item: review.itemID, strategy: "nearest", count: 4)
        let diverse = try engine.peers(user: user.id, item: review.itemID, strategy: "diverse", count: 4)
        XCTAssertEqual(nearest.count, 4)
        XCTAssertEqual(diverse.count, 4)
        compared += 1
        if Set(nearest.map(\.id)) != Set(diverse.map(\.id)) { differing += 1 }
      }
      if compared >= 200 || Date() > deadline { break }
    }
    XCTAssertGreaterThan(compared, 20)
    XCTAssertGreaterThan(differing, 0, "nearest and diverse agreed on all \(compared) user/item pairs")
  }
}

import DRPReasoning
import DRPReasoningTestSupport
import XCTest

final class StatisticalAnalyserTests: XCTestCase {
  func testLogOddsWithPriorOnHandMadeCorpus() {
    let z = LogOddsRatio.zScores(
      target: ["cozy": 10, "the": 50, "kettle": 10], reference: ["the": 50, "kettle": 10, "cheap": 10])
    XCTAssertEqual(z["cozy"]!, 1.9221, accuracy: 1e-3)  // computed by hand from Monroe et al. eq. 22/24
    XCTAssertEqual(z["cheap"]!, -1.9221, accuracy: 1e-3)
    XCTAssertEqual(z["the"]!, 0, accuracy: 1e-9)
    XCTAssertEqual(z["kettle"]!, 0, accuracy: 1e-9)
    // A weaker prior lets the same counts speak louder.
    let weak = LogOddsRatio.zScores(
      target: ["cozy": 10, "the": 50, "kettle": 10], reference: ["the": 50, "kettle": 10, "cheap": 10], priorTotal: 10)
    XCTAssertGreaterThan(weak["cozy"]!, z["cozy"]!)
    XCTAssertEqual(LogOddsRatio.zScores(target: [:], reference: [:]), [:])
    XCTAssertEqual(LogOddsRatio.contentCounts(["The kettle, the KETTLE and 42 cups!"]), ["kettle": 2, "cups": 1])
  }

  func testTextFeatures() {
    let f = TextFeatures("i LOVE it!! Is it loud? no... Really great 😀")
    XCTAssertEqual(f.exclamations, 2)
    XCTAssertEqual(f.questions, 1)
    XCTAssertEqual(f.ellipses, 1)
    XCTAssertEqual(f.emoji, 1)
    XCTAssertEqual(f.allCapsWords, 1)
    XCTAssertEqual(f.sentences, 4)
    XCTAssertEqual(f.lowercaseSentenceStarts, 2)
    XCTAssertEqual(f.firstPerson, 1)
    XCTAssertEqual(f.positive, 2)  // love, great
    XCTAssertEqual(f.intensifiers, 1)
    let negated = TextFeatures("It never fails. Not good at all. Isn't bad.")
    XCTAssertEqual(negated.positive, 2)
    XCTAssertEqual(negated.negative, 1)
  }

  func testGushingUserAgainstTersePeers() throws {
    let keys = ReviewFixtures.keySamples(user: "fan", userBank: ReviewFixtures.gushing, userSentences: 5, userRating: 5)
    let history = ReviewFixtures.history(user: "fan", bank: ReviewFixtures.gushing, sentences: 5)
    let profile = StatisticalAnalyser().analyse(userID: "fan", history: history, keySamples: keys, created: 42)
    let byName = Dictionary(uniqueKeysWithValues: profile.dimensions.map { ($0.name, $0) })
    let length = try XCTUnwrap(byName["Review length"])
    XCTAssertTrue(length.description.hasPrefix("writes longer reviews"), length.description)
    XCTAssertEqual(length.support, 5)
    XCTAssertEqual(length.sources, ["item0", "item1", "item2", "item3", "item4"])
    let exclamation = try XCTUnwrap(byName["Exclamation marks"])
    XCTAssertTrue(exclamation.description.hasPrefix("uses more exclamation marks"), exclamation.description)
    XCTAssertTrue(exclamation.evidence.allSatisfy { $0.contains("!") })
    XCTAssertTrue(byName["ALL CAPS emphasis"]?.description.hasPrefix("shouts more") ?? false)
    XCTAssertTrue(byName["First-person voice"]?.description.hasPrefix("narrates more") ?? false)
    XCTAssertEqual(byName["Rating deviation"]?.description, "rates 2.0 stars higher than peers on the same items")
    let vocabulary = try XCTUnwrap(byName["Distinctive vocabulary"])
    // Evidence quotes the user's own sentences that use the distinctive words.
    let userSentences = Set(history.flatMap { TextFeatures.sentences(of: $0.text) })
    XCTAssertFalse(vocabulary.evidence.isEmpty)
    XCTAssertTrue(vocabulary.evidence.allSatisfy { userSentences.contains($0) }, "\(vocabulary.evidence)")
    XCTAssertTrue(
      vocabulary.evidence.contains { TextFeatures.tokenize($0).contains("wow") }, "\(vocabulary.evidence)")
    XCTAssertEqual(Set(vocabulary.evidence).count, vocabulary.evidence.count, "no sentence twice")
    XCTAssertEqual(
      Array(profile.dimensions.prefix(3).map(\.name)), ["Writing style", "Emotional style", "Semantic style"])
    XCTAssertNil(byName["Capitalisation"], "both capitalise sentence starts")
    XCTAssertNil(byName["Sentiment"], "both write positively (\"never fails\" is not negative)")
    XCTAssertFalse(profile.summary.isEmpty)
    XCTAssertEqual(profile.provenance.keyItems.count, 5)
    XCTAssertEqual(profile.provenance.peerIDs, ["peer0", "peer1", "peer2", "peer3"])
    XCTAssertEqual(profile.provenance.created, 42)

    let json = try XCTUnwrap(String(data: try profile.cliJSON(), encoding: .utf8))
    XCTAssertTrue(json.hasPrefix("{\"dimensions\":[{\"definition\":"), json)
    XCTAssertTrue(json.contains("\"summary\":"))
    let again = StatisticalAnalyser().analyse(userID: "fan", history: history, keySamples: keys, created: 42)
    XCTAssertEqual(try again.cliJSON(), try profile.cliJSON(), "deterministic")
    let roundTrip = try JSONDecoder().decode(DifferenceProfile.self, from: JSONEncoder().encode(profile))
    XCTAssertEqual(roundTrip, profile)
  }

  func testTerseUserAgainstGushingPeersGetsOppositeDirection() throws {
    let keys = ReviewFixtures.keySamples(user: "fan", userBank: ReviewFixtures.gushing, userSentences: 5, userRating: 5)
    // Swap roles: the terse peer of item i becomes the target; the gushing reviews become the peers.
    let swapped = keys.map { k in
      KeySample(item: k.item, userReview: k.peerReviews[0], peerReviews: [k.userReview])
    }
    let profile = StatisticalAnalyser().analyse(userID: "peer0", history: [], keySamples: swapped)
    let names = profile.dimensions.map(\.name)
    XCTAssertTrue(
      profile.dimensions.first { $0.name == "Review length" }?.description.hasPrefix("writes shorter") ?? false,
      "\(names)")
    let exclamation = try XCTUnwrap(profile.dimensions.first { $0.name == "Exclamation marks" })
    XCTAssertTrue(exclamation.description.hasPrefix("uses fewer"), exclamation.description)
    // Less of a habit cannot be quoted: the evidence is that metric's reading of the user's reviews.
    XCTAssertFalse(exclamation.evidence.isEmpty)
    for reading in exclamation.evidence {
      XCTAssertNotNil(
        reading.range(of: #"^review \S+: 0 exclamation marks in \d+ words$"#, options: .regularExpression), reading)
    }
    let length = try XCTUnwrap(profile.dimensions.first { $0.name == "Review length" })
    XCTAssertTrue(length.evidence.allSatisfy { $0.hasSuffix(" words") && !$0.contains(" in ") }, "\(length.evidence)")
    XCTAssertTrue(profile.dimensions.first { $0.name == "Rating deviation" }?.description.contains("lower") ?? false)
  }

  func testUserIdenticalToPeersHasNoDimensions() {
    let keys = ReviewFixtures.keySamples(user: "twin", userBank: ReviewFixtures.terse, userSentences: 8, userRating: 3)
    let history = ReviewFixtures.history(user: "twin", bank: ReviewFixtures.terse, sentences: 8)
    let profile = StatisticalAnalyser().analyse(userID: "twin", history: history, keySamples: keys)
    XCTAssertEqual(profile.dimensions.map(\.name), [])
    XCTAssertTrue(profile.summary.contains("much like"))
  }

  func testNoPeers() {
    let r = ReviewFixtures.review(1, user: "u", item: "i", rating: 4, "Fine.")
    let profile = StatisticalAnalyser().analyse(userID: "u", history: [r], keySamples: [])
    XCTAssertEqual(profile.dimensions, [])
    XCTAssertTrue(profile.summary.contains("No peer reviews"))
  }
}

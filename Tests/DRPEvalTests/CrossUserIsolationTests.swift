// Every evaluated user's held-out review must be invisible to every OTHER user's generation too: not in a
// peer pool, not in a candidate peer's user vector, not in the builtin embedder's IDF fit. Each check is
// also run with the exclusion of other users' held-out reviews removed, and must then fire.
import DRPCore
import DRPEngine
import DRPEval
import DRPPeers
import DRPReasoning
import DRPStore
import DRPTestSupport
import XCTest

final class CrossUserIsolationTests: XCTestCase {
  /// The held-out reviews (and later ones) of every user eligible with at least 3 reviews.
  private func hidden(_ store: ReviewStore) throws -> (cases: [HeldOutCase], hidden: Set<Int64>) {
    let cases = try HeldOutSplit(minReviews: 3).cases(in: store)
    return (cases, Set(cases.flatMap(\.excluded)))
  }

  /// Evaluates the canary users in mode drp against an echoing LLM, every reviewer of a key item a
  /// peer, and lists each place where a user's generation showed ANOTHER user's canary.
  private func crossLeaks(_ fixture: CanaryFixture, _ server: EchoChatServer, hideOthers: Bool) async throws
    -> [String]
  {
    let engine = try fixture.engine(llm: server)
    var options = try engine.pipelineOptions()
    options.keySamples = 50
    options.peers = 50
    options.strategy = "nearest"
    options.retries = 0
    options.promptBudget = 200_000  // no peer is dropped to fit a prompt
    let (eligible, hidden) = try self.hidden(engine.store)
    let cases = eligible.filter { c in fixture.heldOut.contains { $0.user == c.userID } }
    XCTAssertEqual(cases.count, fixture.heldOut.count)
    let writer = HeldOutIsolationTests.AttributingWriter(
      EngineReviewWriter(engine: engine, options: options, hidden: hideOthers ? hidden : []), server: server)
    let run = try await EvalRunner(writer: writer, checkpoint: nil).run(cases, modes: [.drp])
    XCTAssertEqual(run.samples.count, cases.count)

    var found: [String] = []
    let requests = server.requests
    let ranges = writer.ranges.withLock { $0 }
    XCTAssertFalse(requests.isEmpty, "the pipeline called the LLM")
    for (user, _, _) in fixture.heldOut {
      let profiles = try engine.store.storedProfiles(ofUser: user).map(\.json)
      XCTAssertFalse(profiles.isEmpty, "drp stores \(user)'s profile")
      for (other, _, canary) in fixture.heldOut where other != user {
        for range in ranges where range.user == user {
          if range.requests.contains(where: { requests[$0].contains(canary) }) {
            found.append("a chat request for \(user) shows \(other)'s held-out review")
          }
        }
        if profiles.contains(where: { $0.contains(canary) }) { found.append("\(user)'s profile shows \(other)'s") }
        if run.samples.contains(where: { $0.user == user && $0.prediction.contains(canary) }) {
          found.append("\(user)'s prediction shows \(other)'s")
        }
      }
    }
    return found
  }

  /// Canary user k's held-out review is of an item in canary user k+1's history; with every reviewer a
  /// peer, only the exclusion of all held-out reviews keeps it out of k+1's extraction prompts.
  func testNoGenerationSeesAnotherEvaluatedUsersHeldOutReview() async throws {
    let fixture = try CanaryFixture(crossUsers: true)
    let server = try EchoChatServer()
    defer { server.stop() }
    let found = try await crossLeaks(fixture, server, hideOthers: true)
    XCTAssertEqual(found, [])
  }

  func testCrossUserCheckCatchesAWriterThatHidesOnlyTheUsersOwnReview() async throws {
    let fixture = try CanaryFixture(crossUsers: true)
    let server = try EchoChatServer()
    defer { server.stop() }
    let found = try await crossLeaks(fixture, server, hideOthers: false)
    // Each canary user's held-out review is in the peer pool of another canary user's history item.
    for (other, _, _) in fixture.heldOut {
      XCTAssertTrue(
        found.contains { $0.hasPrefix("a chat request for") && $0.hasSuffix("shows \(other)'s held-out review") },
        "\(found)")
    }
  }

  /// Peer candidates are scored with user vectors that leave out their own held-out reviews: every peer
  /// score equals the cosine of the candidate's held-out-free mean vector with the user's. Checked with
  /// the exclusion set the evaluation's writer uses; with a writer that hides only the user's own
  /// review the same check must fail.
  func testPeerCandidatesAreScoredWithoutTheirHeldOutReviews() throws {
    let fixture = try CanaryFixture()
    let engine = try fixture.engine()
    let embedder = try XCTUnwrap(engine.indexEmbedder)
    let everyone = try engine.store.allUserIDs().count
    let (cases, hidden) = try self.hidden(engine.store)
    XCTAssertGreaterThan(hidden.count, fixture.heldOut.count, "every eligible user has a held-out review")

    /// Largest difference between a peer's score and the cosine of held-out-free vectors, over the
    /// canary users' history items, when generating with `writer`'s exclusions.
    func largestDeviation(_ writer: EngineReviewWriter) throws -> (deviation: Double, peers: Int) {
      func vector(_ user: String, without excluded: Set<Int64>) throws -> [Float] {
        UserVector.mean(
          of: try engine.store.reviewVectors(ofUser: user, embedder: embedder)
            .filter { !excluded.contains($0.reviewID) }.map(\.vector))
      }
      var deviation = 0.0
      var peers = 0
      for (user, _, _) in fixture.heldOut {
        let heldOut = try XCTUnwrap(cases.first { $0.userID == user })
        let excluded = writer.exclusions(for: heldOut)
        let query = try vector(user, without: hidden)
        for item in Set(try engine.store.reviews(ofUser: user).map(\.itemID)) {
          for peer in try engine.peers(
            user: user, item: item, strategy: "nearest", count: everyone, excluding: excluded)
          {
            let expected = VectorMath.cosine(try vector(peer.id, without: hidden), query)
            deviation = max(deviation, abs(peer.score - expected))
            peers += 1
          }
        }
      }
      return (deviation, peers)
    }

    let clean = try largestDeviation(EngineReviewWriter(engine: engine, hidden: hidden))
    XCTAssertGreaterThan(clean.peers, 10)
    XCTAssertLessThan(clean.deviation, 1e-4, "peers are scored with held-out-free vectors")
    let leaky = try largestDeviation(EngineReviewWriter(engine: engine))
    XCTAssertGreaterThan(leaky.deviation, 1e-4, "hiding only the user's own review scores peers with leaked vectors")
  }

  /// `drp eval` with the builtin embedder refits the IDF without any eligible user's held-out review
  /// (the fixture's `drp embed` had fitted it on every review), once: the stored weights equal a fit over
  /// the other reviews, and differ from a fit over all of them.
  func testEvalRefitsTheBuiltinIDFWithoutTheHeldOutReviews() throws {
    let fixture = try CanaryFixture()
    let arguments = ["eval", "--users", "2", "--min-reviews", "3", "--modes", "nonp", "--json"]
    let environment = ["DRP_LLM_URL": "", "DRP_REASONER_URL": ""]
    let first = try drp(home: fixture.home, arguments, environment: environment, timeout: 300)
    XCTAssertEqual(first.status, 0, first.stderr)
    XCTAssertTrue(first.stderr.contains("refitting it without them"), first.stderr)

    let store = try ReviewStore(home: fixture.home.path)
    let (_, hidden) = try self.hidden(store)
    let report = try XCTUnwrap(first.json() as? [String: Any])
    XCTAssertEqual((report["settings"] as? [String: Any])?["hiddenReviews"] as? Int, hidden.count)
    let key = BuiltinEmbedder(dimension: DRPConfig().embedder.dimension).name
    let stored = try HashedIDF(serialized: try XCTUnwrap(store.embedderState(key)))
    var all: [Review] = []
    for user in try store.allUserIDs() { all += try store.reviews(ofUser: user) }
    let text = { (review: Review) in review.title.isEmpty ? review.text : review.title + "\n" + review.text }
    XCTAssertEqual(stored.documentCount, all.count - hidden.count)
    XCTAssertEqual(stored, HashedIDF.fit(texts: all.filter { !hidden.contains($0.id) }.map(text)))
    XCTAssertNotEqual(stored, HashedIDF.fit(texts: all.map(text)), "a fit over every review differs")
    XCTAssertTrue(try store.fitExclusions(key).isSuperset(of: hidden))

    let second = try drp(home: fixture.home, arguments, environment: environment, timeout: 300)
    XCTAssertEqual(second.status, 0, second.stderr)
    XCTAssertFalse(second.stderr.contains("refitting"), "the fit already leaves them out: \(second.stderr)")
  }
}

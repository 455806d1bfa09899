// The held-out review must be invisible to peer selection, user vectors, profiles, retrieval and
// prompts: each evaluated user's held-out review carries a unique canary token that must surface
// nowhere. Each check is also run against a writer that does not exclude the held-out review, and
// must then fire (a check that cannot fail proves nothing).
import DRPCore
import DRPEngine
import DRPEval
import DRPPeers
import DRPReasoning
import DRPStore
import DRPTestSupport
import Synchronization
import XCTest

final class HeldOutIsolationTests: XCTestCase {
  let modes: [PipelineMode] = [.nonp, .rag, .dpl, .drp]

  /// The real evaluation path minus the exclusion: what a forgotten `excluding:` would do.
  struct LeakyWriter: ReviewWriter {
    let engine: Engine
    let options: PipelineOptions
    func write(_ heldOut: HeldOutCase, mode: PipelineMode) async throws -> WrittenReview {
      let review = heldOut.heldOut
      let result = try await engine.generate(
        user: heldOut.userID, item: review.itemID, rating: review.rating, title: review.title, mode: mode,
        options: options)
      return WrittenReview(text: result.review, llmCalls: result.llmCalls, tokens: result.tokens)
    }
  }

  /// Wraps a writer and notes which chat requests (by index at the echo server) belong to which user.
  final class AttributingWriter: ReviewWriter {
    let inner: any ReviewWriter
    let server: EchoChatServer?
    let ranges = Mutex<[(user: String, requests: Range<Int>)]>([])
    init(_ inner: any ReviewWriter, server: EchoChatServer?) {
      self.inner = inner
      self.server = server
    }
    func write(_ heldOut: HeldOutCase, mode: PipelineMode) async throws -> WrittenReview {
      let before = server?.requests.count ?? 0
      let written = try await inner.write(heldOut, mode: mode)
      let after = server?.requests.count ?? 0
      ranges.withLock { $0.append((heldOut.userID, before..<after)) }
      return written
    }
  }

  /// Runs the four modes for the fixture's canary users and lists every place a user's canary
  /// surfaced: predictions, stored profiles (dimensions, evidence, summary), profile key items, and
  /// (with an LLM) the chat requests sent while that user's samples were generated.
  /// - Parameter scope: target-conditioned profiles never take the held-out (target) item as a key
  ///   sample, so a writer that forgets `excluding:` leaks through key samples only with per-user
  ///   profiles; the leak checks are proven on that scope, the clean runs on both.
  private func leaks(fixture: CanaryFixture, llm: EchoChatServer?, leaky: Bool, scope: ProfileScope) async throws
    -> [String]
  {
    let engine = try fixture.engine(llm: llm)
    var options = try engine.pipelineOptions()
    options.keySamples = 3
    options.peers = 2
    options.retries = 0
    options.profileScope = scope
    let inner: any ReviewWriter =
      leaky ? LeakyWriter(engine: engine, options: options) : EngineReviewWriter(engine: engine, options: options)
    let writer = AttributingWriter(inner, server: llm)
    let cases = try HeldOutSplit(minReviews: 3).cases(in: engine.store).filter { c in
      fixture.heldOut.contains { $0.user == c.userID }
    }
    XCTAssertEqual(
      cases.map(\.heldOut.id), fixture.heldOut.map(\.review.id), "the canary reviews are the held-out ones")
    let run = try await EvalRunner(writer: writer, checkpoint: nil).run(cases, modes: modes)
    XCTAssertEqual(run.samples.count, cases.count * modes.count)

    var found: [String] = []
    let profiles: [(user: String, json: String)] = try engine.store.allUserIDs().flatMap { user in
      try engine.store.storedProfiles(ofUser: user).map { (user, $0.json) }
    }
    XCTAssertFalse(profiles.isEmpty, "dpl and drp store profiles")
    let requests = llm?.requests ?? []
    let ranges = writer.ranges.withLock { $0 }
    for (user, review, canary) in fixture.heldOut {
      for sample in run.samples where sample.user == user && sample.prediction.contains(canary) {
        found.append("prediction \(user)/\(sample.mode)")
      }
      for row in profiles where row.user == user {
        if row.json.contains(canary) { found.append("profile text of \(user)") }
        let result = try JSONDecoder().decode(ProfileResult.self, from: Data(row.json.utf8))
        if result.profile.provenance.keyItems.contains(review.itemID) { found.append("profile key item of \(user)") }
      }
      for range in ranges where range.user == user {
        for index in range.requests where requests[index].contains(canary) {
          found.append("chat request \(index) for \(user)")
        }
      }
    }
    if llm != nil {
      XCTAssertFalse(requests.isEmpty, "the pipeline called the LLM")
      XCTAssertTrue(
        run.samples.allSatisfy { $0.prediction.contains("\"summary\"") }, "the echo model wrote every review")
      XCTAssertGreaterThan(run.samples.reduce(0) { $0 + $1.llmCalls }, 0)
    }
    return found
  }

  func testOfflineEvaluationNeverSeesTheHeldOutReview() async throws {
    for scope in ProfileScope.allCases {
      let fixture = try CanaryFixture()
      let found = try await leaks(fixture: fixture, llm: nil, leaky: false, scope: scope)
      XCTAssertEqual(found, [], "\(scope)")
    }
  }

  func testOfflineChecksCatchAWriterThatDoesNotExclude() async throws {
    let fixture = try CanaryFixture()
    let found = try await leaks(fixture: fixture, llm: nil, leaky: true, scope: .user)
    for (user, _, _) in fixture.heldOut {
      XCTAssertTrue(found.contains("profile key item of \(user)"), "\(found)")
    }
  }

  func testLLMEvaluationSendsNoPromptWithTheHeldOutReview() async throws {
    let fixture = try CanaryFixture()
    let server = try EchoChatServer()
    defer { server.stop() }
    for scope in ProfileScope.allCases {
      let found = try await leaks(fixture: fixture, llm: server, leaky: false, scope: scope)
      XCTAssertEqual(found, [], "\(scope)")
    }
  }

  func testLLMChecksCatchAWriterThatDoesNotExclude() async throws {
    let fixture = try CanaryFixture()
    let server = try EchoChatServer()
    defer { server.stop() }
    let found = try await leaks(fixture: fixture, llm: server, leaky: true, scope: .user)
    for (user, _, _) in fixture.heldOut {
      XCTAssertTrue(found.contains { $0.hasPrefix("chat request") && $0.hasSuffix("for \(user)") }, "\(found)")
      XCTAssertTrue(found.contains("profile text of \(user)"), "\(found)")
      // History retrieval drops reviews of the target item anyway; the profile carries the leak into dpl/drp.
      XCTAssertTrue(found.contains("prediction \(user)/drp"), "\(found)")
    }
  }

  /// The user vector behind peer selection is the mean of the user's other review vectors: equal
  /// scores to a search with that vector, different ones from the stored (all-review) vector.
  func testPeerSearchUsesTheVectorWithoutTheHeldOutReview() throws {
    let fixture = try CanaryFixture()
    var config = DRPConfig()
    config.home = fixture.home.path
    let engine = try Engine(home: fixture.home.path, config: config)
    let embedder = try XCTUnwrap(engine.indexEmbedder)
    let everyone = try engine.store.allUserIDs().count
    for (user, review, _) in fixture.heldOut {
      let vectors = try engine.store.reviewVectors(ofUser: user, embedder: embedder)
        .filter { $0.reviewID != review.id }.map(\.vector)
      XCTAssertEqual(vectors.count, try engine.store.reviews(ofUser: user).count - 1)
      let expected = try engine.neighbors(vector: UserVector.mean(of: vectors), k: everyone)
        .filter { $0.id != user }
      let excluded = try engine.neighbors(user: user, k: everyone - 1, excluding: [review.id])
      let stored = try engine.neighbors(user: user, k: everyone - 1)
      XCTAssertEqual(excluded.map(\.id), expected.map(\.id))
      for (a, b) in zip(excluded, expected) { XCTAssertEqual(a.score, b.score, accuracy: 1e-5) }
      let differences = zip(stored.sorted { $0.id < $1.id }, excluded.sorted { $0.id < $1.id })
        .map { abs($0.score - $1.score) }
      XCTAssertGreaterThan(differences.max() ?? 0, 1e-4, "without exclusion the held-out review shifts the vector")
      // Peer selection for the held-out item scores candidates against the same vector.
      let target = UserVector.mean(of: vectors)
      let peers = try engine.peers(
        user: user, item: review.itemID, strategy: "nearest", count: everyone, excluding: [review.id])
      XCTAssertFalse(peers.isEmpty)
      for peer in peers {
        let vector = try XCTUnwrap(engine.index.vector(for: peer.id))
        XCTAssertEqual(peer.score, VectorMath.cosine(vector, target), accuracy: 1e-4, peer.id)
      }
      let unexcluded = try engine.peers(user: user, item: review.itemID, strategy: "nearest", count: everyone)
      let shifts = unexcluded.map { peer in
        abs(peer.score - VectorMath.cosine(engine.index.vector(for: peer.id) ?? [], target))
      }
      XCTAssertGreaterThan(shifts.max() ?? 0, 1e-4, "without exclusion peers are scored against another vector")
    }
  }
}

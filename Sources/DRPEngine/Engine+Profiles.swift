// Difference profiles: built by the reasoning LLM (or the statistical analyser without one),
// stored in the store's `profiles` table and reused while the user's reviews stay the same.
import DRPCore
import DRPReasoning
import DRPStore
import Foundation

extension Engine {
  /// The pipeline defaults of the configuration's `pipeline` section, with `structuredOutput` from
  /// `reasoner.structured_output`.
  /// - Throws: `EngineError` (invalid argument) when the section holds an invalid value.
  public func pipelineOptions() throws -> PipelineOptions {
    var options: PipelineOptions
    do { options = try PipelineOptions(config: config.pipeline) } catch let error as PipelineOptionsError {
      throw EngineError(.invalidArgument, "config pipeline section: \(error)")
    }
    options.structuredOutput = config.reasoner.structuredOutput
    return options
  }

  /// The difference profile of `user`.
  ///
  /// A stored profile built with the same mode, options and held-out reviews from the same set of
  /// the user's reviews is returned as is (`reused`) unless `refresh` is set. The set is compared
  /// by digest (`ReviewStore.reviewsDigest`), so a review added by any process — `reviews.add`,
  /// `drp import` — makes the stored profile stale. Otherwise the comparison data is gathered — the
  /// user's key items (history items with the most other reviewers, newest first on ties), each
  /// with the user's review and the reviews of `options.peers` peers chosen by `options.strategy` —
  /// and the profile is built by the `Orchestrator` with the reasoner model (its key items
  /// concurrently; cached replies make a rebuild cheap), or by the `StatisticalAnalyser` when no
  /// LLM is configured. The result is stored. Store reads and peer selection run on the engine's
  /// blocking threads.
  /// - Parameters:
  ///   - mode: `drp` or `dpl` (overrides `options.mode`).
  ///   - options: the knobs (default: `pipelineOptions()`).
  ///   - excluding: held-out review ids, invisible to the whole computation.
  ///   - progress: receives a line per step.
  /// - Throws: `EngineError` for an unknown user, a user without vector (run `drp embed`), an
  ///   invalid option, or a reasoner that rejects `structured_output` (invalid argument, naming the
  ///   setting); store errors; cancellation.
  public func profile(
    user: String, mode: PipelineMode? = nil, options: PipelineOptions? = nil, excluding: Set<Int64> = [],
    refresh: Bool = false, progress: (@Sendable (String) -> Void)? = nil
  ) async throws -> ProfileResult {
    var options = try options ?? pipelineOptions()
    if let mode { options.mode = mode }
    guard options.mode.usesProfile else {
      throw EngineError(.invalidArgument, "mode \(options.mode) uses no profile: use drp or dpl")
    }
    let reasoner = models.reasoning(model: options.extractorModel)
    let variant = profileVariant(options, model: reasoner?.name, excluding: excluding)
    let chosen = options
    let inputs = try await blocking.run { [self] () -> ProfileInputs in
      let digest = try store.reviewsDigest(ofUser: user, excluding: excluding)
      if !refresh, let stored = try store.storedProfile(user: user, mode: chosen.mode.rawValue, variant: variant),
        stored.reviewsDigest == digest,
        let result = try? JSONDecoder().decode(ProfileResult.self, from: Data(stored.json.utf8))
      {
        return .stored(result)
      }
      let history = try userReviews(user, excluding: excluding)
      let samples = try comparisonSamples(user: user, history: history, options: chosen, excluding: excluding)
      return .build(history: history, samples: samples, digest: digest)
    }
    guard case .build(let history, let samples, let digest) = inputs else {
      guard case .stored(var result) = inputs else { preconditionFailure() }
      result.stats = PipelineStats()
      result.reused = true
      return result
    }
    let created = Int64(Date().timeIntervalSince1970)
    let result: ProfileResult
    if let reasoner {
      var prompts = try templates.get().reasoning
      prompts.budget = PromptBudget(maxTokens: options.promptBudget)
      let orchestrator = Orchestrator(prompts: prompts, model: reasoner, cache: replyCache)
      do {
        result = try await orchestrator.profile(
          userID: user, keySamples: samples, options: options, created: created, progress: progress)
      } catch let error as StructuredOutputError {
        throw EngineError(.invalidArgument, error.description)
      }
    } else {
      progress?("statistical analysis of \(samples.count) key samples (no LLM configured)")
      var profile = StatisticalAnalyser().analyse(
        userID: user, history: history.map(Self.sample), keySamples: samples, created: created)
      if options.mode == .dpl {
        profile.mode = .dpl
        profile.dimensions = profile.dimensions.filter { Orchestrator.baseDimensions.contains($0.name) }
      }
      result = ProfileResult(profile: profile)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let stored = StoredProfile(
      json: String(decoding: try encoder.encode(result), as: UTF8.self), reviewsDigest: digest, created: created)
    try await blocking.run { [self] in
      try store.saveProfile(user: user, mode: result.profile.mode.rawValue, variant: variant, stored)
    }
    return result
  }

  /// What a profile request starts from: a current stored profile, or the inputs of a new one.
  private enum ProfileInputs: Sendable {
    case stored(ProfileResult)
    case build(history: [Review], samples: [KeySample], digest: String)
  }

  /// The LLM reply cache of this home (queries on the blocking threads).
  var replyCache: StoreLLMCache { StoreLLMCache(store: store, pool: blocking) }

  /// Where prompt templates are read from (once, when the engine opens): `DRP_PROMPTS`, else
  /// `config/prompts`; templates missing there fall back to the embedded ones.
  static var promptDirectory: URL {
    let env = ProcessInfo.processInfo.environment["DRP_PROMPTS"] ?? ""
    return URL(fileURLWithPath: env.isEmpty ? "config/prompts" : env)
  }

  /// The key samples of a target-free profile: the user's history items with the most other
  /// (visible) reviewers, newest first on ties, at most `options.keySamples`, each with the
  /// reviews of the peers `peers(user:item:...)` would choose. The user's peer query is computed
  /// once, and each key item's reviews are read once.
  func comparisonSamples(user: String, history: [Review], options: PipelineOptions, excluding: Set<Int64>) throws
    -> [KeySample]
  {
    let chooser = try peerStrategy(options.strategy)
    let query = try peerQuery(user: user, excluding: excluding, in: snapshot())
    var latest: [String: Review] = [:]
    for review in history { latest[review.itemID] = review }
    let others = try store.otherReviewerCounts(
      ofItems: Array(latest.keys), excludingUser: user, excludingReviews: excluding)
    let ranked = latest.values.filter { (others[$0.itemID] ?? 0) > 0 }
      .sorted { a, b in
        let (ca, cb) = (others[a.itemID] ?? 0, others[b.itemID] ?? 0)
        if ca != cb { return ca > cb }
        return a.timestamp != b.timestamp ? a.timestamp > b.timestamp : a.itemID < b.itemID
      }
      .prefix(options.keySamples)
    return try ranked.map { own in
      let reviews = try store.reviews(ofItem: own.itemID).filter { !excluding.contains($0.id) }
      let chosen = try choosePeers(for: query, reviews: reviews, chooser, count: options.peers)
      var peerReview: [String: Review] = [:]
      for review in reviews where review.userID != user { peerReview[review.userID] = review }
      let item = try store.item(own.itemID) ?? Item(id: own.itemID)
      return KeySample(
        item: ItemInfo(id: item.id, title: item.title, description: item.description), userReview: Self.sample(own),
        peerReviews: chosen.compactMap { peerReview[$0.id] }.map(Self.sample))
    }
  }

  /// A stored review as the reasoning layer sees it.
  static func sample(_ review: Review) -> ReviewSample {
    ReviewSample(
      id: review.id, userID: review.userID, itemID: review.itemID, rating: review.rating, title: review.title,
      text: review.text, timestamp: review.timestamp)
  }

  /// The stored-profile variant: a digest of every option that shapes a profile, the model and
  /// the held-out reviews. Structured output is named only when on (and only with a reasoner), so
  /// profiles stored before the option existed keep their variant.
  private func profileVariant(_ o: PipelineOptions, model: String?, excluding: Set<Int64>) -> String {
    var parts: [String] = [
      "model=\(model ?? "statistical")", "samples=\(o.samples)", "validation=\(o.validation)", "k=\(o.keySamples)",
      "peers=\(o.peers)", "strategy=\(o.strategy)", "budget=\(o.thinkingBudget)", "temperature=\(o.temperature)",
      "retries=\(o.retries)", "prompt=\(o.promptBudget)",
      "excluding=" + excluding.sorted().map(String.init).joined(separator: ","),
    ]
    if model != nil && o.structuredOutput != .none { parts.append("structured=\(o.structuredOutput.rawValue)") }
    return LLMCacheKey.digest(parts.joined(separator: ";"))
  }
}

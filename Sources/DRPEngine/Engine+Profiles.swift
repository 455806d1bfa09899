// Difference profiles: built by the reasoning LLM (or the statistical analyser without one),
// stored in the store's `profiles` table and reused while the user's reviews stay the same.
import DRPCore
import DRPGenerator
import DRPReasoning
import DRPStore
import Foundation

extension Engine {
  /// The pipeline defaults of the configuration's `pipeline` section, with `structuredOutput` from
  /// `reasoner.structured_output`.
  /// - Throws: `EngineError` (invalid argument) when the section holds an invalid value.
  public func pipelineOptions() throws -> PipelineOptions { try Self.pipelineOptions(config: config) }

  /// The pipeline defaults of `config` (see ``pipelineOptions()``), for callers that check their
  /// arguments before opening an engine.
  /// - Throws: `EngineError` (invalid argument) when the section holds an invalid value.
  public static func pipelineOptions(config: DRPConfig) throws -> PipelineOptions {
    var options: PipelineOptions
    do { options = try PipelineOptions(config: config.pipeline) } catch let error as PipelineOptionsError {
      throw EngineError(.invalidArgument, "config pipeline section: \(error)")
    }
    options.structuredOutput = config.reasoner.structuredOutput
    return options
  }

  /// The difference profile of `user`, for `target` (`pipeline.profile_scope` `target`, the
  /// default: the paper's method) or for the user as a whole (`user`).
  ///
  /// A stored profile built with the same mode, options, target and held-out reviews from the same
  /// set of the user's reviews is returned as is (`reused`) unless `refresh` is set. The set is
  /// compared by digest (`ReviewStore.reviewsDigest`), so a review added by any process —
  /// `reviews.add`, `drp import` — makes the stored profile stale. Otherwise the comparison data is
  /// gathered — the key samples (for a target: the history items most relevant to it, see
  /// ``keyReviews(user:target:options:excluding:)``; per user: the history items with the most other
  /// reviewers), each with the user's review and the reviews of `options.peers` peers chosen by
  /// `options.strategy` — and the profile is built by the `Orchestrator` with the reasoner model
  /// (its key items concurrently; cached replies make a rebuild cheap, and a key item already seen
  /// for another target with the same peers costs no call), or by the `StatisticalAnalyser` when no
  /// LLM is configured. The result is stored. Store reads and peer selection run on the engine's
  /// blocking threads.
  /// - Parameters:
  ///   - target: the target item and review title; required for the `target` scope, ignored for `user`.
  ///   - mode: `drp` or `dpl` (overrides `options.mode`).
  ///   - options: the knobs (default: `pipelineOptions()`).
  ///   - excluding: held-out review ids, invisible to the whole computation.
  ///   - progress: receives a line per step.
  /// - Throws: `EngineError` for an unknown user or item, a missing target, a user without vector
  ///   (run `drp embed`), an invalid option, or a reasoner that rejects `structured_output`
  ///   (invalid argument, naming the setting); store errors; cancellation.
  public func profile(
    user: String, target: ProfileTarget? = nil, mode: PipelineMode? = nil, options: PipelineOptions? = nil,
    excluding: Set<Int64> = [], refresh: Bool = false, progress: (@Sendable (String) -> Void)? = nil
  ) async throws -> ProfileResult {
    var options = try options ?? pipelineOptions()
    if let mode { options.mode = mode }
    guard options.mode.usesProfile else {
      throw EngineError(.invalidArgument, "mode \(options.mode) uses no profile: use drp or dpl")
    }
    let scoped = options.profileScope == .target ? target : nil
    if options.profileScope == .target && target == nil {
      throw EngineError(
        .invalidArgument,
        "a target-conditioned profile needs the target item (--item ITEM, or \"item\" over the socket), "
          + "or pipeline.profile_scope user for one profile per user")
    }
    let reasoner = models.reasoning(model: options.extractorModel)
    let summarizer = models.summarizing(options)
    let variant = profileVariant(
      options, model: reasoner.map { [$0.name, summarizer?.name ?? $0.name].joined(separator: "+") }, target: scoped,
      excluding: excluding)
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
      let keys =
        try scoped.map { try keyReviews(user: user, target: $0, options: chosen, excluding: excluding).map(\.review) }
        ?? userScopeKeyReviews(user: user, history: history, options: chosen, excluding: excluding)
      let samples = try comparisonSamples(user: user, keyReviews: keys, options: chosen, excluding: excluding)
      let past =
        try chosen.preset == .paper
        ? scoped.map { try pastReviews(user: user, target: $0, count: chosen.history, excluding: excluding) } ?? []
        : []
      return .build(history: history, samples: samples, past: past, digest: digest)
    }
    guard case .build(let history, let samples, let past, let digest) = inputs else {
      guard case .stored(var result) = inputs else { preconditionFailure() }
      result.stats = PipelineStats()
      result.reused = true
      return result
    }
    let created = Int64(Date().timeIntervalSince1970)
    let result: ProfileResult
    if let reasoner {
      var prompts = try promptSet(for: options.preset).reasoning
      prompts.budget = PromptBudget(maxTokens: options.promptBudget)
      let orchestrator = Orchestrator(prompts: prompts, model: reasoner, summarizer: summarizer, cache: replyCache)
      do {
        result = try await orchestrator.profile(
          userID: user, keySamples: samples, options: options, history: past, target: scoped?.itemID, created: created,
          progress: progress)
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
      profile.target = scoped?.itemID
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

  /// The templates of `preset`.
  /// - Throws: the error of a malformed template file.
  func promptSet(for preset: PipelinePreset) throws -> (reasoning: ReasoningPrompts, generation: GenerationPrompt) {
    guard let set = try templates.get()[preset] else {
      throw EngineError(.unavailable, "no prompt templates for preset \(preset)")
    }
    return set
  }

  /// What a profile request starts from: a current stored profile, or the inputs of a new one.
  private enum ProfileInputs: Sendable {
    case stored(ProfileResult)
    case build(history: [Review], samples: [KeySample], past: [ReviewSample], digest: String)
  }

  /// The LLM reply cache of this home (queries on the engine's cache threads, writes through the
  /// engine's one `ReplyCacheWriter`).
  var replyCache: StoreLLMCache { StoreLLMCache(store: store, pool: cacheThreads, writer: cacheWriter) }

  /// Where prompt templates are read from (once, when the engine opens): `DRP_PROMPTS`, else
  /// `config/prompts`; templates missing there fall back to the embedded ones.
  static var promptDirectory: URL {
    let env = ProcessInfo.processInfo.environment["DRP_PROMPTS"] ?? ""
    return URL(fileURLWithPath: env.isEmpty ? "config/prompts" : env)
  }

  /// The key reviews of a per-user profile (`profile_scope` `user`): the user's latest review of
  /// each history item with at least `options.minOtherReviewers` other (visible) reviewers — or
  /// with any, when fewer qualify — the most reviewed first, newest first on ties, at most
  /// `options.keySamples`.
  func userScopeKeyReviews(user: String, history: [Review], options: PipelineOptions, excluding: Set<Int64>) throws
    -> [Review]
  {
    var latest: [String: Review] = [:]
    for review in history { latest[review.itemID] = review }
    let others = try store.otherReviewerCounts(
      ofItems: Array(latest.keys), excludingUser: user, excludingReviews: excluding)
    return latest.values.filter { (others[$0.itemID] ?? 0) > 0 }
      .sorted { a, b in
        let (ca, cb) = (others[a.itemID] ?? 0, others[b.itemID] ?? 0)
        if ca != cb { return ca > cb }
        return a.timestamp != b.timestamp ? a.timestamp > b.timestamp : a.itemID < b.itemID
      }
      .prefix(options.keySamples).map { $0 }
  }

  /// The key samples for `keyReviews`: each with the user's review and the reviews of the peers
  /// `peers(user:item:...)` would choose. The user's peer query is computed once, and each key
  /// item's reviews are read once.
  func comparisonSamples(user: String, keyReviews: [Review], options: PipelineOptions, excluding: Set<Int64>) throws
    -> [KeySample]
  {
    let chooser = try peerStrategy(options.strategy)
    let query = try peerQuery(user: user, excluding: excluding, in: snapshot())
    return try keyReviews.map { own in
      let reviews = try store.reviewAuthors(ofItem: own.itemID).filter { !excluding.contains($0.id) }
      let chosen = try choosePeers(for: query, reviews: reviews, chooser, count: options.peers)
      // Each chosen peer's latest review of the item (`PeerChoice.reviewID`), the only rows whose
      // texts are read.
      let peerReviews = try store.reviews(ids: chosen.compactMap { $0.reviewID.flatMap(Int64.init) })
      let item = try store.item(own.itemID) ?? Item(id: own.itemID)
      return KeySample(
        item: ItemInfo(id: item.id, title: item.title, description: item.description), userReview: Self.sample(own),
        peerReviews: peerReviews.map(Self.sample))
    }
  }

  /// The paper preset's past reviews for `target`: the `count` history reviews (the target item's
  /// own left out) ranked as the key samples are — `BM25Okapi` of `review title + item description`
  /// against `target title + target item description` — but over every history review, each with
  /// its item's title and description.
  func pastReviews(user: String, target: ProfileTarget, count: Int, excluding: Set<Int64>) throws -> [ReviewSample] {
    guard count > 0 else { return [] }
    guard let targetItem = try store.item(target.itemID) else { throw EngineError.unknownItem(target.itemID) }
    let history = try userReviews(user, excluding: excluding).filter { $0.itemID != target.itemID }
    var items: [String: Item] = [:]
    for review in history where items[review.itemID] == nil {
      items[review.itemID] = try store.item(review.itemID) ?? Item(id: review.itemID)
    }
    let okapi = BM25Okapi(
      documents: history.map { BM25Okapi.whitespaceTokens($0.title + " " + (items[$0.itemID]?.description ?? "")) })
    let scores = okapi.scores(query: BM25Okapi.whitespaceTokens((target.title ?? "") + " " + targetItem.description))
    let ranked = history.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    return ranked.prefix(count).map { index in
      var sample = Self.sample(history[index])
      let item = items[history[index].itemID] ?? Item(id: history[index].itemID)
      sample.item = ItemInfo(id: item.id, title: item.title, description: item.description)
      return sample
    }
  }

  /// A stored review as the reasoning layer sees it.
  static func sample(_ review: Review) -> ReviewSample {
    ReviewSample(
      id: review.id, userID: review.userID, itemID: review.itemID, rating: review.rating, title: review.title,
      text: review.text, timestamp: review.timestamp)
  }

  /// The stored-profile variant: a digest of every option that shapes a profile, the models, the
  /// target (item and title) and the held-out reviews.
  private func profileVariant(_ o: PipelineOptions, model: String?, target: ProfileTarget?, excluding: Set<Int64>)
    -> String
  {
    let excluded = excluding.sorted().map(String.init).joined(separator: ",")
    var parts: [String] = ["model=\(model ?? "statistical")", "samples=\(o.samples)"]
    parts += ["validation=\(o.validation.rawValue)", "k=\(o.keySamples)", "peers=\(o.peers)"]
    parts += ["strategy=\(o.strategy)", "budget=\(o.thinkingBudget)", "temperature=\(o.temperature)"]
    parts += ["retries=\(o.retries)", "prompt=\(o.promptBudget)", "excluding=" + excluded]
    parts += ["preset=\(o.preset.rawValue)", "min_others=\(o.minOtherReviewers)", "max_tokens=\(o.maxTokens)"]
    parts += ["top_p=" + (o.topP.map { String($0) } ?? "-"), "seed=" + (o.seed.map { String($0) } ?? "-")]
    parts.append("history=\(o.history)")
    if let target { parts.append("target=" + target.itemID + "\u{0}" + (target.title ?? "")) }
    if model != nil && o.structuredOutput != .none { parts.append("structured=\(o.structuredOutput.rawValue)") }
    return LLMCacheKey.digest(parts.joined(separator: ";"))
  }
}

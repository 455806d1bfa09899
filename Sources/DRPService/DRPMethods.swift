// drp's application methods (PROTOCOL.md, "App methods") on top of the transport.
import DRPCore
import DRPEngine
import DRPPeers
import DRPProtocol
import DRPReasoning
import DRPServer
import DRPStore
import Foundation

/// Registers drp's application methods on a `Server`, each answered by one `Engine`:
/// `stats`, `neighbors`, `peers` and `users.get` on the index lane (quick reads on the index
/// workers; queued `neighbors` requests are answered together through the index's batch kernel);
/// `reviews.add`, `profile` and `generate` on the background lane (tasks that await the embedder
/// and LLMs; the engine runs their store and index work on its own blocking threads and their
/// writes on its single writer).
///
///     let engine = try Engine(home: home, config: config)
///     DRPMethods.register(on: server, engine: engine)
public final class DRPMethods: Sendable {
  /// Largest `k` of `neighbors` and `n` of `peers`.
  public static let maxResults = 1000
  /// Largest `limit` of `users.get`.
  public static let maxRecentReviews = 1000

  private let engine: Engine

  private init(engine: Engine) { self.engine = engine }

  /// Registers every app method on `server` (before `server.start()`). Handlers throw engine
  /// errors as they are: the transport answers them through `EngineError`'s `RPCErrorConvertible`
  /// conformance (the documented -3201x codes).
  public static func register(on server: Server, engine: Engine) {
    let methods = DRPMethods(engine: engine)
    server.register("stats", lane: .index) { params, _ in try methods.stats(params) }
    server.registerCoalescing("neighbors", key: neighborsGroup) { methods.neighbors(batch: $0) }
    server.register("peers", lane: .index) { params, _ in try methods.peers(params) }
    server.register("users.get", lane: .index) { params, _ in try methods.user(params) }
    server.registerAsync("reviews.add") { params, _ in
      let review = try methods.review(from: params)
      return try JSONValue(encoding: try await methods.engine.addReview(review))
    }
    server.registerAsync("profile") { params, context in try await methods.profile(params, context) }
    server.registerAsync("generate") { params, context in try await methods.generate(params, context) }
  }

  // MARK: - stats

  private func stats(_ params: RPCParams) throws -> JSONValue {
    try params.rejectUnknown(allowing: [])
    return try JSONValue(encoding: engine.stats())
  }

  // MARK: - neighbors

  /// Which queued `neighbors` requests are answered together: the same `item` filter (or none)
  /// and `k` in the same range (1-16, 17-32, 33-64, ...), so no request pays for a much larger
  /// heap than its own. Requests with bad params get a key too; they fail on their own.
  @Sendable static func neighborsGroup(_ params: RPCParams) -> String {
    let k = params["k"]?.int ?? 10
    let range = k <= 16 ? 0 : Int.bitWidth - (k - 1).leadingZeroBitCount
    return "\(range)\u{0}" + (params["item"]?.string ?? "")
  }

  /// Answers a group of `neighbors` requests with one `Engine.neighbors(batch:)` call: each gets
  /// what it would get alone (same ids, order and scores), or its own error.
  private func neighbors(batch: [RPCParams]) -> [Result<JSONValue, RPCError>] {
    var outcomes = [Result<JSONValue, RPCError>?](repeating: nil, count: batch.count)
    var queries: [NeighborsQuery] = []
    var positions: [Int] = []
    for (position, params) in batch.enumerated() {
      do {
        queries.append(try neighborsQuery(params))
        positions.append(position)
      } catch {
        outcomes[position] = .failure(error)
      }
    }
    for (position, result) in zip(positions, engine.neighbors(batch: queries)) {
      outcomes[position] = result.map { found in
        ["neighbors": .array(found.map { ["id": .string($0.id), "score": .score($0.score)] })]
      }.mapError { RPCError(thrown: $0) }
    }
    return outcomes.map { $0 ?? .failure(.internalError("neighbors request not answered")) }
  }

  /// The query a `neighbors` request asks for.
  private func neighborsQuery(_ params: RPCParams) throws(RPCError) -> NeighborsQuery {
    try params.rejectUnknown(allowing: ["user", "vector", "k", "item"])
    let k = try params.optionalInt("k", default: 10, range: 1...Self.maxResults)
    let item = try nonEmpty(params.optionalString("item"), "item")
    switch (params["user"], params["vector"]) {
    case (nil, nil): throw RPCError.invalidParams(field: "user", "is required (or give \"vector\")")
    case (_?, _?): throw RPCError.invalidParams(field: "vector", "cannot be combined with \"user\"")
    case (_?, nil): return NeighborsQuery(.id(try nonEmpty(params.requireString("user"), "user")), k: k, item: item)
    case (nil, let raw?): return NeighborsQuery(.vector(try vector(raw)), k: k, item: item)
    }
  }

  /// A query vector of the index's dimension with finite components, not all zero.
  private func vector(_ raw: JSONValue) throws(RPCError) -> [Float] {
    let dimension = engine.index.dimension
    guard let elements = raw.array else { throw .invalidParams(field: "vector", "must be an array of numbers") }
    guard elements.count == dimension else {
      throw .invalidParams(
        field: "vector", "must have \(dimension) components (the index dimension), got \(elements.count)")
    }
    var vector: [Float] = []
    vector.reserveCapacity(dimension)
    for element in elements {
      guard let number = element.double, Float(number).isFinite else {
        throw .invalidParams(field: "vector", "must be an array of finite numbers")
      }
      vector.append(Float(number))
    }
    guard vector.contains(where: { $0 != 0 }) else { throw .invalidParams(field: "vector", "must not be all zeros") }
    return vector
  }

  // MARK: - peers

  private func peers(_ params: RPCParams) throws -> JSONValue {
    try params.rejectUnknown(allowing: ["user", "item", "strategy", "n"])
    let user = try nonEmpty(params.requireString("user"), "user")
    let item = try nonEmpty(params.requireString("item"), "item")
    let strategy = try params.optionalString("strategy")
    if let strategy, PeerStrategies.named(strategy) == nil {
      throw RPCError.invalidParams(
        field: "strategy", "must be one of \(PeerStrategies.names.joined(separator: ", ")), got \"\(strategy)\"")
    }
    let count = try params.optionalInt("n", default: engine.config.pipeline.peers, range: 1...Self.maxResults)
    let chosen = try engine.peers(user: user, item: item, strategy: strategy, count: count)
    return [
      "peers": .array(
        chosen.map { peer in
          let reviewID: JSONValue = peer.reviewID.flatMap { Int64($0) }.map { .int($0) } ?? .null
          return ["id": .string(peer.id), "score": .double(peer.score), "review_id": reviewID]
        })
    ]
  }

  // MARK: - users.get

  private func user(_ params: RPCParams) throws -> JSONValue {
    try params.rejectUnknown(allowing: ["user", "limit"])
    let id = try nonEmpty(params.requireString("user"), "user")
    let limit = try params.optionalInt("limit", default: 10, range: 0...Self.maxRecentReviews)
    guard let user = try engine.store.user(id) else { throw EngineError(.notFound, "unknown user '\(id)'") }
    let recent = try engine.store.reviews(ofUser: id).reversed().prefix(limit)
    return [
      "user": .string(user.id), "review_count": .int(Int64(user.reviewCount)),
      "reviews": try JSONValue(encoding: Array(recent)),
    ]
  }

  // MARK: - reviews.add

  /// The review described by `reviews.add` params (validated before any work is queued) under
  /// the importer's `ReviewRule`; a violation is -32602 naming the field.
  private func review(from params: RPCParams) throws(RPCError) -> Review {
    try params.rejectUnknown(allowing: ["user", "item", "rating", "title", "text", "timestamp"])
    let user = try params.requireString("user")
    let item = try params.requireString("item")
    guard let rawRating = params["rating"], !rawRating.isNull else {
      throw .invalidParams(field: "rating", "is required")
    }
    guard let rating = rawRating.double else { throw .invalidParams(field: "rating", "must be a number") }
    let title = try params.optionalString("title") ?? ""
    let text = try params.requireString("text")
    var timestamp: Double?
    if let raw = params["timestamp"], !raw.isNull {
      guard let number = raw.double else { throw .invalidParams(field: "timestamp", "must be an integer") }
      timestamp = number
    }
    let rule = ReviewRule(config: engine.config.store)
    do {
      let userID = try rule.id(user, field: "user")
      let itemID = try rule.id(item, field: "item")
      let checkedRating = try rule.rating(rating)
      try rule.texts(title: title, text: text)
      let milliseconds = try timestamp.map { try rule.timestamp($0) } ?? Int64(Date().timeIntervalSince1970 * 1000)
      return Review(
        userID: userID, itemID: itemID, rating: checkedRating, title: title, text: text, timestamp: milliseconds)
    } catch let violation as ReviewRule.Violation {
      throw .invalidParams(field: violation.field, violation.problem)
    } catch {
      throw .internalError("\(error)")
    }
  }

  // MARK: - profile

  private func profile(_ params: RPCParams, _ context: RequestContext) async throws -> JSONValue {
    let user = try nonEmpty(params.requireString("user"), "user")
    let refresh = try params.optionalBool("refresh", default: false)
    let item = try nonEmpty(params.optionalString("item"), "item")
    let title = try params.optionalString("title")
    let options = try pipelineOptions(params, excludingFields: ["user", "refresh", "item", "title"])
    guard options.mode.usesProfile else {
      throw RPCError.invalidParams(field: "mode", "must be drp or dpl for a profile, got \"\(options.mode)\"")
    }
    if item == nil && options.profileScope == .target {
      throw RPCError.invalidParams(
        field: "item", "is required for a target-conditioned profile (or \"profile_scope\": \"user\")")
    }
    let result = try await engine.profile(
      user: user, target: item.map { ProfileTarget(itemID: $0, title: title) }, options: options, refresh: refresh,
      progress: { context.notify(progress: ["step": .string($0)]) })
    // The same document as `drp profile --json`.
    return try JSONValue(encoding: ProfileDocument(result))
  }

  // MARK: - generate

  private func generate(_ params: RPCParams, _ context: RequestContext) async throws -> JSONValue {
    let user = try nonEmpty(params.requireString("user"), "user")
    let item = try nonEmpty(params.requireString("item"), "item")
    var rating: Double?
    if let raw = params["rating"], !raw.isNull {
      rating = try params.optionalDouble("rating", default: 0, range: 0...5)
    }
    let title = try params.optionalString("title")
    let stream = try params.optionalBool("stream", default: false)
    let options = try pipelineOptions(params, excludingFields: ["user", "item", "rating", "title", "stream"])
    var onDelta: (@Sendable (String) -> Void)?
    if stream {
      onDelta = { piece in
        if !piece.isEmpty { context.notify(progress: ["delta": .string(piece)]) }
      }
    }
    let result = try await engine.generate(
      user: user, item: item, rating: rating, title: title, options: options, onDelta: onDelta)
    return try JSONValue(encoding: result)
  }

  /// The configured pipeline options with every param not in `excludingFields` applied as a knob
  /// (`mode`, `samples`, `strategy`, … — see `PipelineOptions`); bad knobs are -32602 naming them.
  private func pipelineOptions(_ params: RPCParams, excludingFields: Set<String>) throws -> PipelineOptions {
    try params.rejectUnknown(allowing: excludingFields.union(PipelineOptions.keys))
    let knobs = params.members.filter { !excludingFields.contains($0.key) }
    let options: PipelineOptions
    do {
      options = try engine.pipelineOptions().applying(knobs)
    } catch let error as PipelineOptionsError {
      throw RPCError.invalidParams(field: error.field, error.problem)
    }
    guard PeerStrategies.named(options.strategy) != nil else {
      throw RPCError.invalidParams(
        field: "strategy", "must be one of \(PeerStrategies.names.joined(separator: ", ")), got \"\(options.strategy)\""
      )
    }
    return options
  }

  // MARK: - helpers

  private func nonEmpty(_ value: String, _ field: String) throws(RPCError) -> String {
    guard !value.isEmpty else { throw .invalidParams(field: field, "must not be empty") }
    return value
  }

  private func nonEmpty(_ value: String?, _ field: String) throws(RPCError) -> String? {
    if value?.isEmpty == true { throw .invalidParams(field: field, "must not be empty") }
    return value
  }
}

import DRPOpenAI
import Foundation

/// Runs LLM calls for one pipeline run: cache look-up, bounded retries, and the bookkeeping of
/// calls, tokens and rejected attempts per stage.
///
/// Each attempt is cached under `LLMCacheKey` (stage, template version, model, rendered request,
/// sample and attempt number) whatever its outcome, so a re-run replays the same replies — the same
/// failures included — without calling the model. Transport errors are not cached.
/// A reply is rejected (and the call retried) when the reasoning was truncated — it is never parsed —
/// or when `parse` throws (empty or unparseable answer). After a truncation the next attempt gets
/// twice the token budget, and so does a constrained call (with `response_format`) whose answer
/// was cut off at `max_tokens` and did not parse: its schema keeps the first budget's bounds, so
/// the longer limit lets even a degenerate answer (one character per token) close its JSON. Every
/// retry uses a new seed. A request the server refuses as such (a 4xx such as a prompt over the
/// model's context, `OpenAIError.isRejectedRequest`) is not retried. A server that rejects the call's
/// `response_format` (`StructuredOutputError`) ends the run: every other call would fail the same way.
public final class LLMCaller: @unchecked Sendable {  // @unchecked: counters guarded by `lock`
  /// The model called.
  public let model: any ChatModel
  /// Where replies are cached (nil: no caching).
  public let cache: (any LLMCache)?
  private let lock = NSLock()
  private var currentStats = PipelineStats()
  private var currentFailures: [PipelineFailure] = []

  /// A caller with fresh counters.
  public init(model: any ChatModel, cache: (any LLMCache)?) {
    self.model = model
    self.cache = cache
  }

  /// Calls, cache hits, failures and tokens so far.
  public var stats: PipelineStats { lock.withLock { currentStats } }
  /// Every rejected attempt so far, in order.
  public var failures: [PipelineFailure] { lock.withLock { currentFailures } }

  /// Runs `call` until `parse` accepts a reply or the attempts run out.
  /// - Parameters:
  ///   - onDelta: streams answer text (a cached reply is delivered as one piece).
  ///   - parse: turns the answer into a result; throwing rejects the reply.
  /// - Returns: the parsed result, or nil when every attempt failed (each failure is recorded, the
  ///   last one marked `final`).
  /// - Throws: `CancellationError` when the task is cancelled; `StructuredOutputError` when the
  ///   server rejects the call's `response_format`.
  public func run<T>(
    _ call: LLMCall, onDelta: (@Sendable (String) -> Void)? = nil, parse: (String) throws -> T
  ) async throws -> T? {
    var budget = call.maxTokens
    for attempt in 0...max(0, call.retries) {
      try Task.checkCancellation()
      let request = ChatModelRequest(
        messages: call.prompt.messages, maxTokens: budget, temperature: call.temperature, topP: call.topP,
        seed: call.seed + call.sample + 1000 * attempt, responseFormat: call.responseFormat)
      let key = LLMCacheKey.make(
        stage: call.stage, templateID: call.prompt.templateID, model: model.name, request: request,
        tag: "s\(call.sample)a\(attempt)")
      let final = attempt == max(0, call.retries)
      let reply: ChatModelReply
      if let cached = try await cachedReply(key, stage: call.stage, onDelta: onDelta) {
        reply = cached
      } else {
        do {
          reply = try await fetch(request, key: key, stage: call.stage, onDelta: onDelta)
        } catch is CancellationError {
          throw CancellationError()
        } catch let error as StructuredOutputError {
          throw error
        } catch {
          if Task.isCancelled { throw CancellationError() }
          // A request the server refused as such (e.g. a prompt over the model's context) fails
          // the same way with any seed: no further attempts.
          let rejected = (error as? OpenAIError)?.isRejectedRequest ?? false
          recordFailure(call, attempt: attempt, reason: "\(error)", final: final || rejected)
          if rejected { return nil }
          continue
        }
      }
      if reply.finishReason == "length" { update(call.stage) { $0.truncated += 1 } }
      if reply.truncatedReasoning {
        recordFailure(call, attempt: attempt, reason: ReasoningError.truncatedReasoning.description, final: final)
        budget *= 2
        continue
      }
      do {
        return try parse(reply.content)
      } catch {
        let cutOff = reply.finishReason == "length"
        recordFailure(
          call, attempt: attempt, reason: "\(error)" + (cutOff ? " (cut off at \(budget) tokens)" : ""), final: final)
        if cutOff && call.responseFormat != nil { budget *= 2 }
      }
    }
    return nil
  }

  /// The reply cached under `key` (counted as a cache hit and streamed to `onDelta` in one piece),
  /// or nil. An entry that does not decode is a miss.
  /// - Throws: when the cache cannot be read: a store failure ends the run instead of passing
  ///   for a miss.
  private func cachedReply(_ key: String, stage: String, onDelta: (@Sendable (String) -> Void)?) async throws
    -> ChatModelReply?
  {
    guard let text = try await cache?.get(key),
      let cached = try? JSONDecoder().decode(ChatModelReply.self, from: Data(text.utf8))
    else { return nil }
    update(stage) { $0.cacheHits += 1 }
    if let onDelta, !cached.content.isEmpty { onDelta(cached.content) }
    return cached
  }

  /// A new reply from the model (then cached).
  private func fetch(
    _ request: ChatModelRequest, key: String, stage: String, onDelta: (@Sendable (String) -> Void)?
  ) async throws -> ChatModelReply {
    let reply: ChatModelReply
    do {
      reply = try await model.complete(request, onDelta: onDelta)
    } catch {
      update(stage) { $0.calls += 1 }
      throw error
    }
    update(stage) {
      $0.calls += 1
      $0.promptTokens += reply.promptTokens
      $0.completionTokens += reply.completionTokens
    }
    if let cache, case let entry = reply.cacheEntry, !entry.isEmpty { await cache.put(key, entry) }
    return reply
  }

  private func recordFailure(_ call: LLMCall, attempt: Int, reason: String, final: Bool) {
    lock.withLock {
      currentStats.stages[call.stage, default: StageStats()].failures += 1
      currentFailures.append(
        PipelineFailure(
          stage: call.stage, itemID: call.itemID, sample: call.sample, attempt: attempt, reason: reason, final: final))
    }
  }

  private func update(_ stage: String, _ change: (inout StageStats) -> Void) {
    lock.withLock { change(&currentStats.stages[stage, default: StageStats()]) }
  }
}

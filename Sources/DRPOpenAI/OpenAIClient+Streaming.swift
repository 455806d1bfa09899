import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

extension OpenAIClient {
  /// Streams a chat completion as server-sent events (`stream: true`, usage requested).
  ///
  /// Events are `.content` and `.reasoning` pieces (text inside `<think>…</think>` is routed to
  /// reasoning even when a tag is split across chunks), then exactly one `.finished`. The stream
  /// throws an `OpenAIError`: HTTP and connection failures (retried only before the first event),
  /// `streamError` when the server reports an error mid-stream, `malformedResponse` for a chunk
  /// that is not JSON or when the body ends without `data: [DONE]` and without a finish reason,
  /// `timeout` when the body has not ended `endpoint.timeout` seconds after the attempt started,
  /// `tooLarge` when the streamed text passes the reply limit or a line passes `maxLineBytes`.
  /// Stopping iteration cancels the HTTP request.
  public func chatStream(_ request: ChatRequest) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
    let (stream, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
    let task = Task {
      do {
        try await metered { try await runStream(request, into: continuation) }
        continuation.finish()
      } catch {
        continuation.finish(throwing: Task.isCancelled ? OpenAIError.cancelled : error)
      }
    }
    continuation.onTermination = { _ in task.cancel() }
    return stream
  }

  private func runStream(
    _ request: ChatRequest, into continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation
  ) async throws {
    let start = Date()
    try checkPromptSize(request)
    let urlRequest = try makeRequest(
      path: "chat/completions", body: request.body(defaultModel: endpoint.model, stream: true), streaming: true)
    let url = urlRequest.url?.absoluteString ?? endpoint.baseURL
    try await permits.acquire()
    defer { permits.release() }
    var state = StreamState(model: request.model ?? endpoint.model, replyLimit: replyLimit(request))
    try await withRetries { _ in
      do {
        try await readEvents(urlRequest, url: url, state: &state, continuation: continuation)
      } catch let failure as AttemptFailure where state.deliveredEvent {
        var final = failure
        final.isFinal = true  // never retry once the consumer has seen output
        throw final
      }
    }
    let summary = state.finish(latency: Date().timeIntervalSince(start), continuation: continuation)
    usage.recordSuccess(summary.usage)
    continuation.yield(.finished(summary))
  }

  private func readEvents(
    _ request: URLRequest, url: String, state: inout StreamState,
    continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation
  ) async throws {
    var parser = SSEParser(maxLineBytes: endpoint.maxLineBytes)
    let body = transport.stream(request, timeout: endpoint.timeout)
    do {
      for try await chunk in body {
        for event in try parser.feed(chunk) where try state.consume(event, url: url, continuation: continuation) {
          return
        }
      }
      if let event = try parser.finish(), try state.consume(event, url: url, continuation: continuation) { return }
    } catch let failure as SSEParser.Failure {
      let what: String
      switch failure {
      case .lineTooLong: what = "a line of the event stream"
      case .eventTooLarge: what = "the data of one event"
      }
      throw OpenAIError.tooLarge(
        what: what, limit: endpoint.maxLineBytes, setting: "max_line_bytes of the llm/reasoner section", url: url)
    }
    if Task.isCancelled { throw OpenAIError.cancelled }
    guard state.finishReason != nil else {
      throw OpenAIError.malformedResponse(
        reason: "the event stream ended before `data: [DONE]` and without a finish reason", url: url)
    }
  }
}

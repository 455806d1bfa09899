import Foundation

/// A chat model the pipeline can call: the seam between the orchestration logic and HTTP.
///
/// `OpenAIChatModel` adapts `OpenAIClient`; tests inject scripted models to simulate truncated
/// reasoning, empty answers and failures.
public protocol ChatModel: Sendable {
  /// The model name: part of every cache key and of profile provenance.
  var name: String { get }

  /// Sends one request and returns the whole reply.
  /// - Parameters:
  ///   - request: the messages and sampling parameters.
  ///   - onDelta: when non-nil, the answer is streamed and each new piece of answer text is passed
  ///     to it as it arrives (reasoning is not passed on).
  /// - Throws: transport errors (after the client's own retries) or `CancellationError`.
  func complete(_ request: ChatModelRequest, onDelta: (@Sendable (String) -> Void)?) async throws -> ChatModelReply
}

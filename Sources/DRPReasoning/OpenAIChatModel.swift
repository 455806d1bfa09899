import DRPCore
import DRPOpenAI
import Foundation

/// `ChatModel` over an OpenAI-compatible server (`OpenAIClient`): whole answers with `chat`,
/// streamed answers with `chatStream`.
public struct OpenAIChatModel: ChatModel {
  /// The HTTP client (its `usage` meter counts every call it makes).
  public let client: OpenAIClient
  /// The model name sent with every request.
  public let name: String

  /// Wraps a client; `model` overrides the endpoint's model when given.
  public init(client: OpenAIClient, model: String? = nil) {
    self.client = client
    self.name = model ?? client.endpoint.model
  }

  /// Sends the request (streamed when `onDelta` is given).
  /// - Throws: `StructuredOutputError` when the server rejects the request's `response_format`,
  ///   else `OpenAIError` after the client's retries.
  public func complete(_ request: ChatModelRequest, onDelta: (@Sendable (String) -> Void)?) async throws
    -> ChatModelReply
  {
    let chat = ChatRequest(
      messages: request.messages.map { ChatMessage(role: $0.role, content: $0.content) }, model: name,
      maxTokens: request.maxTokens, temperature: request.temperature, topP: request.topP, seed: request.seed,
      responseFormat: request.responseFormat)
    do {
      return try await send(chat, onDelta: onDelta)
    } catch {
      throw StructuredOutputError.rejection(in: error, format: request.responseFormat) ?? error
    }
  }

  private func send(_ chat: ChatRequest, onDelta: (@Sendable (String) -> Void)?) async throws -> ChatModelReply {
    guard let onDelta else {
      let response = try await client.chat(chat)
      return ChatModelReply(
        content: response.content, truncatedReasoning: response.truncatedReasoning,
        finishReason: response.finishReason, promptTokens: response.usage.promptTokens,
        completionTokens: response.usage.completionTokens)
    }
    var content = ""
    for try await event in client.chatStream(chat) {
      switch event {
      case .content(let piece):
        content += piece
        onDelta(piece)
      case .reasoning:
        continue
      case .finished(let summary):
        return ChatModelReply(
          content: summary.truncatedReasoning ? "" : content.trimmingWhitespace(),
          truncatedReasoning: summary.truncatedReasoning, finishReason: summary.finishReason,
          promptTokens: summary.usage?.promptTokens ?? 0, completionTokens: summary.usage?.completionTokens ?? 0)
      }
    }
    throw OpenAIError.malformedResponse(reason: "the stream ended without a finish event", url: client.endpoint.baseURL)
  }
}

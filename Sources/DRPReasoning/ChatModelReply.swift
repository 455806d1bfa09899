import DRPCore
import Foundation

/// A `ChatModel`'s answer: the text after any reasoning, and what the call cost.
public struct ChatModelReply: Codable, Hashable, Sendable {
  /// The answer without reasoning (empty when the reasoning was truncated).
  public var content: String
  /// Whether the model's reasoning was cut off before it answered: such a reply is never used.
  public var truncatedReasoning: Bool
  /// The server's finish reason (`stop`, `length`, …), if reported.
  public var finishReason: String?
  /// Prompt tokens the call used (0 when unreported).
  public var promptTokens: Int
  /// Completion tokens the call used (0 when unreported).
  public var completionTokens: Int

  /// Creates a reply.
  public init(
    content: String, truncatedReasoning: Bool = false, finishReason: String? = nil, promptTokens: Int = 0,
    completionTokens: Int = 0
  ) {
    self.content = content
    self.truncatedReasoning = truncatedReasoning
    self.finishReason = finishReason
    self.promptTokens = promptTokens
    self.completionTokens = completionTokens
  }

  /// The reply as the JSON its `Encodable` conformance writes (same members, `finish_reason` left
  /// out when nil), for writing it without `JSONEncoder`.
  public var json: JSONValue {
    var members: [String: JSONValue] = [
      "content": .string(content), "truncated_reasoning": .bool(truncatedReasoning),
      "prompt_tokens": .int(Int64(promptTokens)), "completion_tokens": .int(Int64(completionTokens)),
    ]
    if let finishReason { members["finish_reason"] = .string(finishReason) }
    return .object(members)
  }

  /// The reply-cache entry: `JSONEncoder`'s `.sortedKeys` bytes, written directly.
  var cacheEntry: String {
    (try? JSONWriter.encoderData(json, encoding: self)).map { String(decoding: $0, as: UTF8.self) } ?? ""
  }

  private enum CodingKeys: String, CodingKey {
    case content
    case truncatedReasoning = "truncated_reasoning"
    case finishReason = "finish_reason"
    case promptTokens = "prompt_tokens"
    case completionTokens = "completion_tokens"
  }
}

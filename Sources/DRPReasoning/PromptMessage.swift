import Foundation

/// One chat message of a rendered prompt (role `system`, `user` or `assistant`).
public struct PromptMessage: Codable, Hashable, Sendable {
  /// The chat role.
  public var role: String
  /// The message text.
  public var content: String

  /// Creates a message.
  public init(role: String, content: String) {
    self.role = role
    self.content = content
  }
}

/// A prompt ready to send: messages plus the template id for provenance and caching.
public struct RenderedPrompt: Hashable, Sendable {
  /// The chat messages (system first).
  public var messages: [PromptMessage]
  /// The template id, e.g. `extract_differences.v1`.
  public var templateID: String
  /// True when reviews were shortened or dropped to fit the token budget.
  public var truncated: Bool

  /// Creates a rendered prompt.
  public init(messages: [PromptMessage], templateID: String, truncated: Bool) {
    self.messages = messages
    self.templateID = templateID
    self.truncated = truncated
  }

  /// Estimated prompt size in tokens (see `PromptBudget.estimateTokens`).
  public var estimatedTokens: Int { messages.reduce(0) { $0 + PromptBudget.estimateTokens($1.content) } }
}

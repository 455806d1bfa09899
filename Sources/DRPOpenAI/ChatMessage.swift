/// One message of a chat conversation.
public struct ChatMessage: Sendable, Codable, Equatable {
  /// `system`, `user` or `assistant` (any string is sent as is).
  public var role: String
  /// The message text.
  public var content: String

  /// Creates a message with an explicit role.
  public init(role: String, content: String) {
    self.role = role
    self.content = content
  }

  /// A system message.
  public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
  /// A user message.
  public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
  /// An assistant message.
  public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}

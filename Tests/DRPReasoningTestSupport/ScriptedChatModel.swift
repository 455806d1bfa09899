import DRPReasoning
import Foundation

/// A `ChatModel` whose replies a test scripts per stage; it records every request it receives.
public final class ScriptedChatModel: ChatModel, @unchecked Sendable {
  /// The pipeline stage a request belongs to, recognised by its system prompt.
  public enum Stage: String { case extract, validate, synthesize, generate }

  public let name: String
  private let lock = NSLock()
  private var recorded: [(stage: Stage, request: ChatModelRequest)] = []
  private let script: @Sendable (Stage, ChatModelRequest, Int) throws -> ChatModelReply

  /// `script(stage, request, n)` answers the n-th (0-based) request of that stage.
  public init(
    name: String = "scripted", script: @escaping @Sendable (Stage, ChatModelRequest, Int) throws -> ChatModelReply
  ) {
    self.name = name
    self.script = script
  }

  /// Every request received, in order.
  public var requests: [(stage: Stage, request: ChatModelRequest)] { lock.withLock { recorded } }

  /// Requests of one stage.
  public func requests(_ stage: Stage) -> [ChatModelRequest] { requests.filter { $0.stage == stage }.map(\.request) }

  public func complete(_ request: ChatModelRequest, onDelta: (@Sendable (String) -> Void)?) async throws
    -> ChatModelReply
  {
    let system = request.messages.first?.content ?? ""
    let stage: Stage =
      system.hasPrefix("You check claims")
      ? .validate
      : system.hasPrefix("You summarise")
        ? .synthesize
        : system.hasPrefix("You write a product review") ? .generate : .extract
    let n = lock.withLock {
      recorded.append((stage, request))
      return recorded.filter { $0.stage == stage }.count - 1
    }
    let reply = try script(stage, request, n)
    if let onDelta {
      // Stream in two pieces, as a server would.
      let middle = reply.content.index(reply.content.startIndex, offsetBy: reply.content.count / 2)
      onDelta(String(reply.content[..<middle]))
      onDelta(String(reply.content[middle...]))
    }
    return reply
  }

  /// A reply holding the given dimension names as JSON.
  public static func dimensions(_ names: [String], tokens: Int = 10) -> ChatModelReply {
    let list = names.map { "{\"name\": \"\($0)\", \"definition\": \"d\", \"description\": \"differs on \($0)\"}" }
    return ChatModelReply(
      content: "{\"dimensions\": [\(list.joined(separator: ", "))]}", promptTokens: 100, completionTokens: tokens)
  }
}

/// One event of a streamed chat completion.
public enum ChatStreamEvent: Sendable, Equatable {
  /// A piece of the answer.
  case content(String)
  /// A piece of the reasoning (`reasoning_content` deltas and text inside `<think>…</think>`).
  case reasoning(String)
  /// The stream completed; always the last event.
  case finished(ChatStreamSummary)
}

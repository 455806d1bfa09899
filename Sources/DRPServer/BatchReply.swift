// The replies of one JSON-RPC 2.0 batch, sent as one array line once all have arrived.
import DRPCore
import DRPProtocol
import Synchronization

/// Collects the replies to the requests of one batch line (JSON-RPC 2.0 §6) and sends them as one
/// JSON array line, in the order of the requests, when the last one arrives. Notifications have
/// no slot (they are never answered). Replies may arrive from the event loop and from index
/// workers in any order.
final class BatchReply: Sendable {
  private let output: ConnectionOutput
  private let parts: Mutex<(replies: [[UInt8]?], missing: Int)>

  /// A collector for `slots` replies, written to `output`.
  init(slots: Int, output: ConnectionOutput) {
    self.output = output
    parts = Mutex(([[UInt8]?](repeating: nil, count: slots), slots))
  }

  /// The place of reply `index` in the array.
  func slot(_ index: Int) -> BatchSlot { BatchSlot(reply: self, index: index) }

  /// Stores the reply for slot `index` (a slot's first reply only) and sends the array when it
  /// completes it.
  /// - Returns: false when writing the array failed (the connection must be closed).
  fileprivate func deliver(_ response: RPCResponse, at index: Int) -> Bool {
    let line = parts.withLock { parts -> [UInt8]? in
      guard parts.replies[index] == nil else { return nil }
      parts.replies[index] = JSONWriter.bytes(response.json)
      parts.missing -= 1
      guard parts.missing == 0 else { return nil }
      var line: [UInt8] = [UInt8(ascii: "[")]
      for (number, reply) in parts.replies.enumerated() {
        if number > 0 { line.append(UInt8(ascii: ",")) }
        line.append(contentsOf: reply ?? [])
      }
      line.append(contentsOf: [UInt8(ascii: "]"), 0x0A])
      parts.replies = []
      return line
    }
    guard let line else { return true }
    return output.send(line)
  }
}

/// One request's place in a `BatchReply`.
struct BatchSlot: Sendable {
  let reply: BatchReply
  let index: Int

  /// Delivers this request's reply; false when the batch line could not be written.
  func deliver(_ response: RPCResponse) -> Bool { reply.deliver(response, at: index) }
}

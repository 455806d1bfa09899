// What a handler knows about the request it serves.
import DRPCore
import DRPProtocol
import Synchronization

/// Per-request context handed to handlers: the id, cancellation state and a way to stream
/// `progress` notifications to the client before the final reply.
public final class RequestContext: Sendable {
  /// The request id (nil when the client sent a notification, which gets no reply).
  public let id: RPCID?
  /// The method name.
  public let method: String
  /// A number identifying the client connection within this server.
  public let connectionID: UInt64
  private let cancelled = Atomic<Bool>(false)
  /// Set by whoever answers the request first: its handler's worker, `cancel`, a disconnect or
  /// the shutdown deadline. Exactly one of them sends (or drops) the final reply.
  private let answered = Atomic<Bool>(false)
  private let sink: @Sendable (RPCNotification) -> Void
  /// Where the final reply goes when the request came in a JSON-RPC batch (nil: its own line).
  let slot: BatchSlot?

  init(
    id: RPCID?, method: String, connectionID: UInt64, slot: BatchSlot? = nil,
    sink: @escaping @Sendable (RPCNotification) -> Void
  ) {
    self.id = id
    self.method = method
    self.connectionID = connectionID
    self.slot = slot
    self.sink = sink
  }

  /// True once the client cancelled the request, disconnected, or the server gave up on it at shutdown.
  public var isCancelled: Bool { cancelled.load(ordering: .relaxed) || Task.isCancelled }

  /// Throws `RPCError.cancelled` when the request was cancelled.
  public func checkCancellation() throws(RPCError) {
    if isCancelled { throw .cancelled }
  }

  /// Streams a `progress` notification (the members of `progress` plus this request's `id`).
  /// Ignored for client notifications and after the request finished or was cancelled.
  public func notify(progress: JSONValue) {
    guard let id, !isCancelled else { return }
    sink(.progress(for: id, progress))
  }

  func markCancelled() { cancelled.store(true, ordering: .relaxed) }

  /// True once the final reply was given (or deliberately dropped).
  var isAnswered: Bool { answered.load(ordering: .acquiring) }

  /// Takes the right to give the final reply. True for the first caller only.
  func claimAnswer() -> Bool {
    answered.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
  }
}

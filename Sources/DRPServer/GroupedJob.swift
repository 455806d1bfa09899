// Index-lane requests of one method answered together (see `Server.registerCoalescing`).
import DRPCore
import DRPProtocol

/// One request of a coalescing method queued on the index lane. The pool runs the queued jobs of
/// one key together (`WorkerPool`): one call of the method's batch handler for all of them.
struct GroupedJob: Sendable {
  /// Jobs run together have equal keys: the method name and the method's compatibility key.
  let key: String
  /// Most jobs run together.
  let limit: Int
  /// The request's params.
  let params: RPCParams
  /// The request's context (cancellation).
  let context: RequestContext
  /// The method's batch handler: one outcome per params, in order.
  let body: @Sendable ([RPCParams]) -> [Result<JSONValue, RPCError>]
  /// Answers the request with its outcome (nil: cancelled before it ran, no reply) and does the
  /// bookkeeping.
  let finish: @Sendable (Result<JSONValue, RPCError>?) -> Void
  /// Told the size of every group run (for `ServerStats`).
  let ran: @Sendable (Int) -> Void

  /// Runs `group` (jobs of one key, taken together): one handler call for the requests not
  /// cancelled meanwhile, then every job's `finish`.
  static func run(_ group: [GroupedJob]) {
    let live = group.filter { !$0.context.isCancelled }
    var outcomes: [Result<JSONValue, RPCError>] = []
    if !live.isEmpty {
      outcomes = live[0].body(live.map(\.params))
      if outcomes.count != live.count {
        outcomes = live.map { _ in .failure(.internalError("the batch handler returned a wrong number of results")) }
      }
      live[0].ran(live.count)
    }
    var next = 0
    for job in group {
      if next < live.count && live[next].context === job.context {
        job.finish(outcomes[next])
        next += 1
      } else {
        job.finish(nil)
      }
    }
  }
}

// Replies and the request log line.
import DRPCore
import DRPProtocol

extension ServerCore {
  /// Logs a request's final outcome and sends its reply: on its own line, or into its batch entry.
  func reply(
    to connection: Connection, id: RPCID?, method: String?, started: ContinuousClock.Instant,
    _ outcome: Result<JSONValue, RPCError>, slot: BatchSlot? = nil
  ) {
    assertOnLoop()
    log(outcome.map { _ in () }, connection: connection, id: id, method: method, elapsed: .now - started)
    let response = RPCResponse(id: id, outcome: outcome)
    guard let slot else { return sendLine(response.line, to: connection) }
    guard !connection.closed else { return }
    connection.lastActivity = .now
    if !slot.deliver(response) { closeConnection(connection, reason: "write failed") }
  }

  /// One log line per answered request: debug when it succeeded, warning when it failed.
  func log(
    _ outcome: Result<Void, RPCError>, connection: Connection, id: RPCID?, method: String?, elapsed: Duration
  ) {
    var status = "ok"
    if case .failure(let error) = outcome { status = "\(error.code)" }
    let fields: KeyValuePairs<String, String> = [
      "conn": "\(connection.id)", "method": method ?? "-", "id": id?.description ?? "null",
      "us": "\(elapsed.microseconds)", "status": status,
    ]
    if case .failure(let error) = outcome {
      logger.log(.warning, "request failed: \(error.message)", fields)
    } else {
      logger.log(.debug, "request", fields)
    }
  }

  /// Sends `line` to `connection` (closing it when the write fails).
  func sendLine(_ line: [UInt8], to connection: Connection) {
    assertOnLoop()
    guard !connection.closed else { return }
    let ok = connection.output.send(line)
    connection.lastActivity = .now
    if !ok { closeConnection(connection, reason: "write failed") }
  }
}

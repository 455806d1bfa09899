// Authentication: the `auth` method, the delayed replies to failed attempts, and the token
// comparison.
import DRPCore
import DRPProtocol

extension ServerCore {
  /// `auth`: succeeds once per connection (trivially when no token is needed); a second one is
  /// -32600. A wrong token is answered -32004 after `AuthThrottle`'s delay, and the connection
  /// is closed after `maxAuthFailures` of them.
  func authenticate(_ request: RPCRequest, on connection: Connection, started: ContinuousClock.Instant) {
    assertOnLoop()
    func answer(_ outcome: Result<JSONValue, RPCError>) {
      guard let id = request.id else { return }
      reply(to: connection, id: id, method: request.method, started: started, outcome)
    }
    if case .failure(let error) = Self.checkParams(request.params, allowing: ["token"]) {
      answer(.failure(error))
      return
    }
    guard !connection.authAccepted else {
      answer(.failure(.invalidRequest("auth was already accepted on this connection")))
      return
    }
    let offered = request.params["token"]?.string ?? ""
    if connection.authenticated || Self.constantTimeEqual(configuration.token ?? "", offered) {
      connection.authenticated = true
      connection.authAccepted = true
      answer(.success(["authenticated": true]))
      return
    }
    connection.authFailures += 1
    let line = RPCResponse(id: request.id, outcome: .failure(.unauthorized("wrong token"))).line
    let closes = authThrottle.schedule(connection: connection.id, line: line, failures: connection.authFailures)
    connection.awaitingAuthReply = true
    log(
      .failure(.unauthorized("wrong token")), connection: connection, id: request.id, method: request.method,
      elapsed: .now - started)
    logger.log(
      .warning, closes ? "authentication failed; closing connection" : "authentication failed",
      ["conn": "\(connection.id)", "failures": "\(connection.authFailures)"])
  }

  /// Sends the failed-`auth` replies that are due and resumes (or closes) their connections.
  func sendDueAuthFailures(now: ContinuousClock.Instant) {
    assertOnLoop()
    for pending in authThrottle.takeDue(now: now) {
      guard let connection = connections[pending.connection] else { continue }
      connection.awaitingAuthReply = false
      sendLine(pending.line, to: connection)
      if pending.closes { connection.closeAfterFlush = true }
      processLines(connection)
      closeIfFinished(connection)
    }
  }

  static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    guard !left.isEmpty, left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
  }
}

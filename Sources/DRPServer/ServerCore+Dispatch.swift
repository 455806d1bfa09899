// Request dispatch: parsing a line, batches (JSON-RPC 2.0 §6), the checks every request gets
// (auth, shutdown, built-ins, method lookup, id reuse) and routing to the method's lane.
import DRPCore
import DRPProtocol

extension ServerCore {
  /// Parses one request line and dispatches it: a single request, or a batch (an array).
  func handleLine(_ bytes: [UInt8], on connection: Connection) {
    assertOnLoop()
    let started = ContinuousClock.now
    let json: JSONValue
    do {
      json = try parser.parse(bytes)
    } catch {
      reply(to: connection, id: nil, method: nil, started: started, .failure(.parseError(error.description)))
      return
    }
    if case .array(let members) = json {
      dispatchBatch(members, on: connection, started: started)
      return
    }
    let request: RPCRequest
    do {
      request = try RPCRequest(json: json)
    } catch {
      reply(to: connection, id: RPCRequest.salvageID(from: json), method: nil, started: started, .failure(error))
      return
    }
    dispatch(request, on: connection, started: started, route: .line)
  }

  /// Dispatches the members of a batch line (JSON-RPC 2.0 §6) like single requests, with the
  /// same checks and limits, their replies gathered into one array line (`BatchReply`); members
  /// that are not valid requests get an error entry. An empty batch is answered with one error
  /// object; a batch of notifications only gets no reply. Index-lane members are queued together,
  /// so a worker can take a batch's coalescing requests (`neighbors`) as one group.
  func dispatchBatch(_ members: [JSONValue], on connection: Connection, started: ContinuousClock.Instant) {
    assertOnLoop()
    guard !members.isEmpty else {
      reply(to: connection, id: nil, method: nil, started: started, .failure(.invalidRequest("empty batch")))
      return
    }
    let parsed = members.map { member in
      Result<RPCRequest, RPCError> { () throws(RPCError) in try RPCRequest(json: member) }
    }
    let answered = parsed.filter {
      if case .success(let request) = $0 { return request.id != nil }
      return true
    }.count
    let collector = BatchReply(slots: answered, output: connection.output)
    var next = 0
    func nextSlot() -> BatchSlot {
      defer { next += 1 }
      return collector.slot(next)
    }
    lanes.beginBatch()
    for (member, outcome) in zip(members, parsed) {
      guard !connection.closed else { break }
      switch outcome {
      case .failure(let error):
        reply(
          to: connection, id: RPCRequest.salvageID(from: member), method: nil, started: started, .failure(error),
          slot: nextSlot())
      case .success(let request):
        dispatch(request, on: connection, started: started, route: request.id == nil ? .none : .slot(nextSlot()))
      }
    }
    indexPool?.submit(contentsOf: lanes.endBatch())
  }

  /// Where a request's immediate replies go.
  enum Route {
    /// A line of its own (single requests; even a notification's authentication error).
    case line
    /// Its entry of a batch reply.
    case slot(BatchSlot)
    /// Nowhere: a notification inside a batch.
    case none

    var slot: BatchSlot? {
      if case .slot(let slot) = self { return slot }
      return nil
    }
  }

  /// Answers or routes one request: `auth` (own line only), the authentication check, refusal
  /// while shutting down, the built-ins `ping` and `cancel`, the method lookup and the in-flight
  /// id check; then runs the handler inline or hands it to its lane.
  func dispatch(
    _ request: RPCRequest, on connection: Connection, started: ContinuousClock.Instant, route: Route
  ) {
    assertOnLoop()
    func answer(_ outcome: Result<JSONValue, RPCError>) {
      guard let id = request.id else { return }
      reply(to: connection, id: id, method: request.method, started: started, outcome, slot: route.slot)
    }
    if request.method == "auth" {
      // Failed attempts are answered after a delay on the connection's own line (AuthThrottle);
      // a batch could otherwise carry any number of guesses in one line.
      guard case .line = route else {
        answer(.failure(.invalidRequest("auth must be sent on its own line, not inside a batch")))
        return
      }
      authenticate(request, on: connection, started: started)
      return
    }
    guard connection.authenticated else {
      if case .none = route { return }
      reply(
        to: connection, id: request.id, method: request.method, started: started,
        .failure(.unauthorized("send the \"auth\" notification with the server token first")), slot: route.slot)
      return
    }
    if shutdownDeadline != nil {
      answer(.failure(.shuttingDown))
      return
    }
    switch request.method {
    case "ping":
      answer(Self.checkParams(request.params, allowing: []).map { ["pong": true] })
      return
    case "cancel":
      answer(cancel(request.params, on: connection))
      return
    default: break
    }
    guard let handler = methods.lookup(request.method) else {
      answer(.failure(.methodNotFound(request.method)))
      return
    }
    if let id = request.id, let existing = connection.inFlight[id] {
      // An index worker may have answered it already (the client has the reply and may reuse
      // the id) while the loop has not yet done that request's bookkeeping.
      guard existing.context.isAnswered else {
        answer(.failure(.invalidRequest("id \(id) is already in flight on this connection")))
        return
      }
      connection.inFlight[id] = nil
    }
    let params = RPCParams(request.params, positional: request.positional)
    switch handler {
    case .inline(let body):
      let connectionID = connection.id
      let context = RequestContext(id: request.id, method: request.method, connectionID: connectionID, slot: route.slot)
      {
        [self] notification in
        onLoop { [self] in
          if let target = connections[connectionID] { sendLine(notification.line, to: target) }
        }
      }
      let outcome: Result<JSONValue, RPCError>
      do { outcome = .success(try body(params, context)) } catch { outcome = .failure(RPCError(thrown: error)) }
      answer(outcome)
    case .index(let body):
      submitIndexRequest(
        request, on: connection, started: started, route: route,
        notification: { context in _ = try? body(params, context) }
      ) { context, finish in
        .single({
          // The worker answers directly: handing the reply to the loop would add a thread
          // wake-up to the client's latency. The loop then only does the bookkeeping.
          guard !context.isCancelled else { return finish(nil) }
          do { finish(.success(try body(params, context))) } catch { finish(.failure(RPCError(thrown: error))) }
        })
      }
    case .coalescing(let key, let limit, let body):
      submitIndexRequest(
        request, on: connection, started: started, route: route, notification: { _ in _ = body([params]) }
      ) {
        [self] context, finish in
        .grouped(
          GroupedJob(
            key: request.method + "\u{0}" + key(params), limit: limit, params: params, context: context, body: body,
            finish: finish, ran: { [self] size in recordGroup(size) }))
      }
    case .background(let body):
      guard let id = request.id else {
        logger.log(.warning, "notification for background method ignored (send an id)", ["method": request.method])
        return
      }
      guard connection.inFlight.count < limits.maxInFlightPerConnection else {
        answer(.failure(.tooManyInFlight(limit: limits.maxInFlightPerConnection)))
        return
      }
      startBackground(
        id: id, method: request.method, params: params, body: body, on: connection, started: started, slot: route.slot)
    }
  }

  /// `cancel`: answers the target request -32800 (if still in flight and unanswered) and stops it.
  func cancel(_ params: [String: JSONValue], on connection: Connection) -> Result<JSONValue, RPCError> {
    assertOnLoop()
    if case .failure(let error) = Self.checkParams(params, allowing: ["id"]) { return .failure(error) }
    guard let raw = params["id"] else { return .failure(.invalidParams(field: "id", "is required")) }
    guard let target = RPCID(json: raw) else {
      return .failure(.invalidParams(field: "id", "must be an integer or a string"))
    }
    guard let entry = connection.inFlight[target], entry.context.claimAnswer() else {
      return .success(["cancelled": false])
    }
    connection.inFlight[target] = nil
    entry.context.markCancelled()
    entry.task?.cancel()
    reply(
      to: connection, id: target, method: entry.method, started: entry.started, .failure(.cancelled),
      slot: entry.context.slot)
    return .success(["cancelled": true])
  }

  /// Rejects params members other than `allowed` as every app method does (-32602 naming one).
  static func checkParams(_ params: [String: JSONValue], allowing allowed: Set<String>) -> Result<Void, RPCError> {
    Result { () throws(RPCError) in try RPCParams(params).rejectUnknown(allowing: allowed) }
  }
}

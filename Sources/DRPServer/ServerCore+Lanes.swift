// Running requests on their lanes: index-lane jobs (answered by their worker, bookkept by the
// loop), background tasks, tracking requests in flight, and their final answers.
import DRPCore
import DRPProtocol

extension ServerCore {
  /// Starts an index-lane request: a notification runs `notification` and is forgotten; a request
  /// is refused with -32002 beyond the in-flight limit, else tracked and queued as the job `job`
  /// makes from its context and its finisher (`indexFinisher`).
  func submitIndexRequest(
    _ request: RPCRequest, on connection: Connection, started: ContinuousClock.Instant, route: Route,
    notification: @escaping @Sendable (RequestContext) -> Void,
    job: (RequestContext, @escaping @Sendable (Result<JSONValue, RPCError>?) -> Void) -> WorkerPool.Job
  ) {
    assertOnLoop()
    let connectionID = connection.id
    guard let id = request.id else {
      let context = RequestContext(id: nil, method: request.method, connectionID: connectionID) { _ in }
      submitIndexJob(
        on: connection,
        .single({ [self] in
          notification(context)
          post { [self] in indexJobDone(connectionID: connectionID) }
        }))
      return
    }
    guard connection.inFlight.count < limits.maxInFlightPerConnection else {
      reply(
        to: connection, id: id, method: request.method, started: started,
        .failure(.tooManyInFlight(limit: limits.maxInFlightPerConnection)), slot: route.slot)
      return
    }
    let (token, context) = track(id: id, method: request.method, on: connection, started: started, slot: route.slot)
    let finish = indexFinisher(
      connection: connection, id: id, token: token, method: request.method, context: context, started: started)
    submitIndexJob(on: connection, job(context, finish))
  }

  /// Queues an index-lane job of `connection` (at the end of the batch line being dispatched, if
  /// any). A connection with `maxInFlightPerConnection` jobs queued or running is not read further
  /// until one ends (back-pressure instead of errors, so clients may pipeline quick requests freely).
  func submitIndexJob(on connection: Connection, _ job: WorkerPool.Job) {
    assertOnLoop()
    connection.indexJobs += 1
    let ready = lanes.submitIndex(job)
    if !ready.isEmpty { indexPool?.submit(contentsOf: ready) }
  }

  /// What an index worker does with a request's outcome: sends the reply itself (to its line or
  /// batch entry) unless the request was cancelled or answered meanwhile (`nil`: cancelled before
  /// it ran), then posts the bookkeeping to the loop.
  func indexFinisher(
    connection: Connection, id: RPCID, token: UInt64, method: String, context: RequestContext,
    started: ContinuousClock.Instant
  ) -> @Sendable (Result<JSONValue, RPCError>?) -> Void {
    assertOnLoop()
    let connectionID = connection.id
    let output = connection.output
    return { [self] outcome in
      var sent: Result<Void, RPCError>?
      if let outcome, context.claimAnswer() {
        let response = RPCResponse(id: id, outcome: outcome)
        if let slot = context.slot { _ = slot.deliver(response) } else { output.send(response.line) }
        sent = outcome.map { _ in () }
      }
      let elapsed = ContinuousClock.now - started
      post { [self, sent] in
        if let sent {
          answered(connectionID: connectionID, id: id, token: token, method: method, sent, elapsed: elapsed)
        }
        indexJobDone(connectionID: connectionID)
      }
    }
  }

  /// Counts an index-lane job of the connection as ended and resumes reading it.
  func indexJobDone(connectionID: UInt64) {
    assertOnLoop()
    lanes.indexJobEnded()
    guard let connection = connections[connectionID] else { return }
    connection.indexJobs -= 1
    processLines(connection)
    closeIfFinished(connection)
  }

  /// Records a request as in flight on `connection`; returns its token and a context whose
  /// progress notifications reach the client only while the request is still in flight.
  func track(
    id: RPCID, method: String, on connection: Connection, started: ContinuousClock.Instant, slot: BatchSlot? = nil
  ) -> (token: UInt64, context: RequestContext) {
    assertOnLoop()
    let token = nextToken
    nextToken += 1
    let connectionID = connection.id
    let context = RequestContext(id: id, method: method, connectionID: connectionID, slot: slot) {
      [self] notification in
      post { [self] in
        guard let target = connections[connectionID], target.inFlight[id]?.token == token else { return }
        sendLine(notification.line, to: target)
      }
    }
    connection.inFlight[id] = Connection.InFlight(
      token: token, method: method, started: started, context: context, task: nil)
    return (token, context)
  }

  /// Tracks a background-lane request and queues it on the lanes; when a slot is free it runs
  /// as a Task whose outcome the loop answers (`finish`).
  func startBackground(
    id: RPCID, method: String, params: RPCParams,
    body: @escaping @Sendable (RPCParams, RequestContext) async throws -> JSONValue, on connection: Connection,
    started: ContinuousClock.Instant, slot: BatchSlot?
  ) {
    assertOnLoop()
    let (token, context) = track(id: id, method: method, on: connection, started: started, slot: slot)
    let connectionID = connection.id
    lanes.enqueueBackground(
      LaneScheduler.BackgroundJob(
        isLive: { [self] in connections[connectionID]?.inFlight[id]?.token == token },
        start: { [self] in
          connections[connectionID]?.inFlight[id]?.task = Task { [self] in
            let outcome: Result<JSONValue, RPCError>
            do {
              outcome = .success(try await body(params, context))
            } catch {
              outcome = .failure(RPCError(thrown: error))
            }
            post { [self] in
              lanes.backgroundEnded { finish(connectionID: connectionID, id: id, token: token, outcome) }
            }
          }
        }))
  }

  /// Answers a finished index or background request, unless it was cancelled or answered meanwhile.
  func finish(connectionID: UInt64, id: RPCID, token: UInt64, _ outcome: Result<JSONValue, RPCError>) {
    assertOnLoop()
    if let connection = connections[connectionID], let entry = connection.inFlight[id], entry.token == token {
      connection.inFlight[id] = nil
      if entry.context.claimAnswer() {
        reply(to: connection, id: id, method: entry.method, started: entry.started, outcome, slot: entry.context.slot)
      }
      processLines(connection)
      closeIfFinished(connection)
    }
  }

  /// Bookkeeping for an index-lane request its worker has answered: forgets it, logs it, and
  /// closes the connection if the worker's write failed.
  func answered(
    connectionID: UInt64, id: RPCID, token: UInt64, method: String, _ outcome: Result<Void, RPCError>,
    elapsed: Duration
  ) {
    assertOnLoop()
    guard let connection = connections[connectionID] else { return }
    if connection.inFlight[id]?.token == token { connection.inFlight[id] = nil }
    log(outcome, connection: connection, id: id, method: method, elapsed: elapsed)
    connection.lastActivity = .now
    if connection.output.failed { closeConnection(connection, reason: "write failed") }
  }
}

// The event loop: poll(2) over listeners and connections, framing, dispatch, replies.
import DRPCore
import DRPProtocol
import Dispatch
import Foundation
import Glibc
import Synchronization

/// Owns the sockets and runs the I/O loop on one dedicated thread. Mutable state marked
/// "loop" is touched only on that thread; other threads reach it through `post`.
/// (Glibc's Swift module does not export epoll, so readiness comes from poll(2), which is
/// O(connections) per wake-up: fine for the default limit of 1024 connections.)
final class ServerCore: @unchecked Sendable {
  private let configuration: ServerConfiguration
  private let limits: ServerLimits
  private let logger: Logger
  private let methods: MethodTable
  private let parser: JSONParser
  private let wakeRead: Int32
  private let wakeWrite: Int32
  /// Work for the loop; closed (and emptied) when the loop exits so late posts cannot keep the core alive.
  private let mailbox = Mutex<(open: Bool, work: [@Sendable () -> Void])>((true, []))
  private let loopThread = Atomic<UInt>(0)
  private let stopped = DispatchGroup()
  private let running = Atomic<Bool>(false)
  /// The addresses actually bound (ephemeral ports resolved).
  let endpoints: [Endpoint]

  // loop
  private var listeners: [(fd: Int32, endpoint: Endpoint, requiresAuth: Bool)]
  private var connections: [UInt64: Connection] = [:]
  private var nextConnectionID: UInt64 = 1
  private var nextToken: UInt64 = 1
  private var backgroundRunning = 0
  private var backgroundQueue: [(connection: UInt64, id: RPCID, token: UInt64, run: @Sendable () async -> Void)] = []
  private var backgroundQueueHead = 0
  private var shutdownDeadline: ContinuousClock.Instant?
  private var shutdownForced = false
  /// The largest reply backlog of connections already closed (open ones report their own).
  private var peakOutput = 0
  private var accepted = 0
  private var readBuffer = [UInt8](repeating: 0, count: 1 << 16)
  /// Runs `.index` handlers; created by `start()`, stopped when the loop exits.
  private var indexPool: WorkerPool?
  /// Index-lane jobs queued or running on the whole server (the loop does not busy-poll while
  /// any runs, leaving the cores to them).
  private var indexJobsOutstanding = 0
  /// When the loop last handled an event: it busy-polls until `busyPoll` after it.
  private var lastWork = ContinuousClock.now
  /// Delayed replies to failed `auth` attempts.
  private var authThrottle: AuthThrottle
  /// Connections refused at the connection limit, closing without a reset.
  private var refused = RefusedConnections()
  /// While a batch line is dispatched: its index-lane jobs, submitted together at its end.
  private var batchJobs: [WorkerPool.Job]?
  /// Groups of 2+ coalesced requests run, the requests in them, and the largest group.
  private let coalescedGroups = Atomic<Int>(0)
  private let coalescedRequests = Atomic<Int>(0)
  private let largestGroup = Atomic<Int>(0)

  /// Binds every configured listener; the loop starts with `start()`.
  init(configuration: ServerConfiguration, logger: Logger, methods: MethodTable) throws(ServerError) {
    self.configuration = configuration
    self.limits = configuration.limits
    self.logger = logger
    self.methods = methods
    self.parser = JSONParser(maxDepth: configuration.limits.maxJSONDepth)
    self.authThrottle = AuthThrottle(limits: configuration.limits)
    var bound: [(fd: Int32, endpoint: Endpoint, requiresAuth: Bool)] = []
    func closeBound() {
      for listener in bound {
        close(listener.fd)
        if case .unix(let path) = listener.endpoint { unlink(path) }
      }
    }
    do throws(ServerError) {
      for endpoint in configuration.listeners {
        switch endpoint {
        case .tcp(let host, let port):
          if !SocketIO.isLoopback(host: host) {
            guard configuration.allowRemote, let token = configuration.token, !token.isEmpty else {
              throw ServerError(
                "refusing to listen on non-loopback address \(host): remote access needs allowRemote and a token")
            }
          }
          let listener = try SocketIO.listenTCP(host: host, port: port)
          bound.append((listener.fd, .tcp(host: host, port: listener.port), configuration.token != nil))
        case .unix(let path):
          bound.append((try SocketIO.listenUnix(path: path), endpoint, false))
        }
      }
    } catch {
      closeBound()
      throw error
    }
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else {
      let error = SocketIO.failure("pipe")
      closeBound()
      throw error
    }
    for fd in pipeEnds {
      SocketIO.setNonBlocking(fd)
      SocketIO.setCloseOnExec(fd)
    }
    wakeRead = pipeEnds[0]
    wakeWrite = pipeEnds[1]
    listeners = bound
    endpoints = bound.map(\.endpoint)
  }

  deinit {
    close(wakeRead)
    close(wakeWrite)
  }

  /// Starts the loop thread.
  func start() {
    running.store(true, ordering: .releasing)
    stopped.enter()
    indexPool = WorkerPool(threads: limits.indexThreads, name: "drp-server-index", busyPoll: limits.busyPoll)
    let thread = Thread { [self] in run() }
    thread.name = "drp-server-loop"
    thread.start()
    for endpoint in endpoints { logger.log(.info, "listening", ["address": endpoint.description]) }
  }

  /// Blocks until the loop has exited.
  func waitUntilStopped() { stopped.wait() }

  /// Runs `work` on the loop thread (immediately when already on it).
  func onLoop(_ work: @escaping @Sendable () -> Void) {
    if loopThread.load(ordering: .relaxed) == UInt(pthread_self()) {
      work()
    } else {
      post(work)
    }
  }

  /// Queues `work` for the loop thread and wakes it.
  /// - Returns: false (work dropped) when the loop has exited.
  @discardableResult
  func post(_ work: @escaping @Sendable () -> Void) -> Bool {
    let queued = mailbox.withLock { mailbox in
      if mailbox.open { mailbox.work.append(work) }
      return mailbox.open
    }
    guard queued else { return false }
    var byte: UInt8 = 1
    _ = write(wakeWrite, &byte, 1)
    return true
  }

  /// Stops accepting, lets in-flight work run until `deadline`, then cancels it and closes everything.
  func beginShutdown(deadline: Duration) {
    post { [self] in
      guard shutdownDeadline == nil else { return }
      shutdownDeadline = .now + deadline
      logger.log(.info, "shutting down", ["deadline_ms": "\(deadline.milliseconds)"])
      closeListeners()
    }
  }

  /// A snapshot of the counters (waits up to 5 s for the loop).
  func stats() -> ServerStats {
    guard running.load(ordering: .acquiring) else { return ServerStats() }
    let box = Mutex(ServerStats())
    let done = DispatchSemaphore(value: 0)
    let queued = post { [self] in
      box.withLock { stats in
        stats.connections = connections.count
        stats.requestsInFlight = connections.values.reduce(0) { $0 + $1.inFlight.count }
        stats.backgroundRunning = backgroundRunning
        stats.bufferedOutputBytes = connections.values.reduce(0) { $0 + $1.bufferedOutput }
        stats.peakConnectionOutputBytes = max(peakOutput, connections.values.map(\.output.peak).max() ?? 0)
        stats.connectionsAccepted = accepted
        stats.coalescedGroups = coalescedGroups.load(ordering: .relaxed)
        stats.coalescedRequests = coalescedRequests.load(ordering: .relaxed)
        stats.largestCoalescedGroup = largestGroup.load(ordering: .relaxed)
      }
      done.signal()
    }
    if queued { _ = done.wait(timeout: .now() + 5) }
    return box.withLock { $0 }
  }

  // MARK: - The loop

  private enum PollOwner {
    case wake
    case listener(Int)
    case connection(Connection)
    case refused(Int32)
  }

  private func run() {
    loopThread.store(UInt(pthread_self()), ordering: .relaxed)
    var fds: [pollfd] = []
    var owners: [PollOwner] = []
    while true {
      drainMailbox()
      housekeeping()
      if shutdownDeadline != nil && connections.isEmpty { break }
      fds.removeAll(keepingCapacity: true)
      owners.removeAll(keepingCapacity: true)
      fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
      owners.append(.wake)
      for (index, listener) in listeners.enumerated() {
        fds.append(pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0))
        owners.append(.listener(index))
      }
      for connection in connections.values {
        var events: Int32 = 0
        if wantsInput(connection) { events |= Int32(POLLIN) }
        if connection.bufferedOutput > 0 { events |= Int32(POLLOUT) }
        // A half-closed connection with nothing to write would report POLLHUP forever: leave it out.
        if events == 0 { continue }
        fds.append(pollfd(fd: connection.fd, events: Int16(events), revents: 0))
        owners.append(.connection(connection))
      }
      for fd in refused.descriptors {
        fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        owners.append(.refused(fd))
      }
      let ready = waitForEvents(&fds)
      if ready < 0 {
        if errno != EINTR { logger.log(.error, "poll failed: \(String(cString: strerror(errno)))") }
        continue
      }
      guard ready > 0 else { continue }
      lastWork = .now
      for (index, descriptor) in fds.enumerated() where descriptor.revents != 0 {
        switch owners[index] {
        case .wake: drainWakePipe()
        case .listener(let listenerIndex): acceptConnections(listenerIndex)
        case .connection(let connection): handleEvents(Int32(descriptor.revents), on: connection)
        case .refused(let fd): refused.readable(fd)
        }
      }
    }
    closeListeners()
    refused.closeAll()
    mailbox.withLock { mailbox in
      mailbox.open = false
      mailbox.work.removeAll()
    }
    indexPool?.stop()
    indexPool = nil
    logger.log(.info, "server stopped")
    running.store(false, ordering: .releasing)
    stopped.leave()
  }

  /// poll(2) over `fds`: first busy-polling (while the loop was recently busy and no index job
  /// runs), then sleeping up to 250 ms (less when a delayed `auth` reply is due sooner).
  /// Returns poll's result.
  private func waitForEvents(_ fds: inout [pollfd]) -> Int32 {
    let count = nfds_t(fds.count)
    if limits.busyPoll > .zero && indexJobsOutstanding == 0 {
      let until = lastWork + limits.busyPoll
      while ContinuousClock.now < until {
        let ready = poll(&fds, count, 0)
        if ready != 0 { return ready }
        sched_yield()
      }
    }
    var timeout: Int32 = 250
    if let due = authThrottle.nextDue {
      timeout = Int32(clamping: max(0, min(250, (due - .now).milliseconds + 1)))
    }
    return poll(&fds, count, timeout)
  }

  private func wantsInput(_ connection: Connection) -> Bool {
    !connection.inputClosed && !connection.closeAfterFlush && connection.bufferedOutput < limits.maxOutputBufferBytes
      && connection.indexJobs < limits.maxInFlightPerConnection && !connection.awaitingAuthReply
  }

  private func drainWakePipe() {
    var scratch = [UInt8](repeating: 0, count: 256)
    while read(wakeRead, &scratch, scratch.count) > 0 {}
  }

  private func drainMailbox() {
    let work = mailbox.withLock { mailbox in
      let taken = mailbox.work
      mailbox.work.removeAll()
      return taken
    }
    for item in work { item() }
  }

  private func closeListeners() {
    for listener in listeners {
      close(listener.fd)
      if case .unix(let path) = listener.endpoint { unlink(path) }
    }
    listeners.removeAll()
  }

  private func housekeeping() {
    let now = ContinuousClock.now
    sendDueAuthFailures(now: now)
    refused.expire(now: now)
    if let idle = limits.idleTimeout {
      for connection in Array(connections.values)
      where connection.inFlight.isEmpty && connection.bufferedOutput == 0 && !connection.closeAfterFlush
        && now - connection.lastActivity > idle
      {
        logger.log(.debug, "closing idle connection", ["conn": "\(connection.id)"])
        connection.closeAfterFlush = true
        sendLine(RPCResponse(id: nil, outcome: .failure(.idleTimeout)).line, to: connection)
        closeIfFinished(connection)
      }
    }
    guard let deadline = shutdownDeadline else { return }
    if now >= deadline && !shutdownForced {
      shutdownForced = true
      for connection in Array(connections.values) {
        for (id, entry) in connection.inFlight {
          entry.context.markCancelled()
          entry.task?.cancel()
          connection.inFlight[id] = nil
          if entry.context.claimAnswer() {
            reply(
              to: connection, id: id, method: entry.method, started: entry.started, .failure(.shuttingDown),
              slot: entry.context.slot)
          }
        }
        connection.closeAfterFlush = true
      }
    }
    let giveUp = now >= deadline + .seconds(2)
    for connection in Array(connections.values) {
      if giveUp { closeConnection(connection, reason: "shutdown") } else { closeIfFinished(connection) }
    }
  }

  private func acceptConnections(_ index: Int) {
    let listener = listeners[index]
    for _ in 0..<64 {
      let fd = accept(listener.fd, nil, nil)
      if fd < 0 {
        if errno == EINTR { continue }
        if errno != EAGAIN && errno != EWOULDBLOCK {
          logger.log(.error, "accept failed: \(String(cString: strerror(errno)))")
        }
        return
      }
      accepted += 1
      SocketIO.setCloseOnExec(fd)
      SocketIO.setNonBlocking(fd)
      if case .tcp = listener.endpoint {
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
      }
      guard connections.count < limits.maxConnections else {
        logger.log(.warning, "connection refused: too many connections", ["limit": "\(limits.maxConnections)"])
        refused.refuse(
          fd, line: RPCResponse(id: nil, outcome: .failure(.tooManyConnections(limit: limits.maxConnections))).line)
        continue
      }
      let connection = Connection(
        id: nextConnectionID, fd: fd, authenticated: !listener.requiresAuth, maxLineBytes: limits.maxLineBytes)
      nextConnectionID += 1
      connections[connection.id] = connection
      logger.log(.debug, "connection opened", ["conn": "\(connection.id)", "listener": listener.endpoint.description])
    }
  }

  private func handleEvents(_ events: Int32, on connection: Connection) {
    guard !connection.closed else { return }
    if events & Int32(POLLNVAL | POLLERR) != 0 {
      closeConnection(connection, reason: "socket error")
      return
    }
    if events & Int32(POLLOUT) != 0 && !connection.output.flush() {
      closeConnection(connection, reason: "write failed")
      return
    }
    if events & Int32(POLLIN | POLLHUP) != 0 && !connection.inputClosed {
      readInput(connection)
    }
    processLines(connection)
    closeIfFinished(connection)
  }

  private func readInput(_ connection: Connection) {
    let count = readBuffer.withUnsafeMutableBytes { read(connection.fd, $0.baseAddress, $0.count) }
    if count > 0 {
      connection.lastActivity = .now
      readBuffer.withUnsafeBytes { connection.framer.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    } else if count == 0 {
      // End of input: the client is gone (or will not read answers it cannot match any more),
      // so work still in flight is cancelled; buffered replies are still written.
      connection.inputClosed = true
      cancelInFlight(of: connection)
    } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
      closeConnection(connection, reason: "read failed")
    }
  }

  private func processLines(_ connection: Connection) {
    while !connection.closed && !connection.closeAfterFlush && !connection.awaitingAuthReply
      && connection.bufferedOutput < limits.maxOutputBufferBytes
      && connection.indexJobs < limits.maxInFlightPerConnection,
      let event = connection.framer.next()
    {
      switch event {
      case .tooLong:
        reply(
          to: connection, id: nil, method: nil, started: .now, .failure(.lineTooLong(limit: limits.maxLineBytes)))
      case .line(let bytes):
        handleLine(bytes, on: connection)
      }
    }
  }

  private func closeIfFinished(_ connection: Connection) {
    guard !connection.closed, connection.bufferedOutput == 0 else { return }
    let idleAtShutdown = shutdownDeadline != nil && connection.inFlight.isEmpty
    if connection.closeAfterFlush || (connection.inputClosed && connection.inFlight.isEmpty) || idleAtShutdown {
      closeConnection(connection, reason: connection.inputClosed ? "client closed" : "server closed")
    }
  }

  private func closeConnection(_ connection: Connection, reason: String) {
    guard !connection.closed else { return }
    connection.closed = true
    cancelInFlight(of: connection)
    connections[connection.id] = nil
    peakOutput = max(peakOutput, connection.output.peak)
    connection.output.close()
    logger.log(.debug, "connection closed", ["conn": "\(connection.id)", "reason": reason])
  }

  /// Cancels the connection's requests in flight; none of them will be answered.
  private func cancelInFlight(of connection: Connection) {
    for entry in connection.inFlight.values {
      _ = entry.context.claimAnswer()
      entry.context.markCancelled()
      entry.task?.cancel()
    }
    connection.inFlight.removeAll()
  }

  // MARK: - Dispatch

  private func handleLine(_ bytes: [UInt8], on connection: Connection) {
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
  private func dispatchBatch(_ members: [JSONValue], on connection: Connection, started: ContinuousClock.Instant) {
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
    batchJobs = []
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
    let jobs = batchJobs ?? []
    batchJobs = nil
    indexPool?.submit(contentsOf: jobs)
  }

  /// Where a request's immediate replies go.
  private enum Route {
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

  private func dispatch(
    _ request: RPCRequest, on connection: Connection, started: ContinuousClock.Instant, route: Route
  ) {
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
      do { outcome = .success(try body(params, context)) } catch { outcome = .failure(Self.rpcError(for: error)) }
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
          do { finish(.success(try body(params, context))) } catch { finish(.failure(Self.rpcError(for: error))) }
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

  /// Starts an index-lane request: a notification runs `notification` and is forgotten; a request
  /// is refused with -32002 beyond the in-flight limit, else tracked and queued as the job `job`
  /// makes from its context and its finisher (`indexFinisher`).
  private func submitIndexRequest(
    _ request: RPCRequest, on connection: Connection, started: ContinuousClock.Instant, route: Route,
    notification: @escaping @Sendable (RequestContext) -> Void,
    job: (RequestContext, @escaping @Sendable (Result<JSONValue, RPCError>?) -> Void) -> WorkerPool.Job
  ) {
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
  private func submitIndexJob(on connection: Connection, _ job: WorkerPool.Job) {
    connection.indexJobs += 1
    indexJobsOutstanding += 1
    if batchJobs != nil {
      batchJobs?.append(job)
    } else {
      indexPool?.submit(contentsOf: [job])
    }
  }

  /// What an index worker does with a request's outcome: sends the reply itself (to its line or
  /// batch entry) unless the request was cancelled or answered meanwhile (`nil`: cancelled before
  /// it ran), then posts the bookkeeping to the loop.
  private func indexFinisher(
    connection: Connection, id: RPCID, token: UInt64, method: String, context: RequestContext,
    started: ContinuousClock.Instant
  ) -> @Sendable (Result<JSONValue, RPCError>?) -> Void {
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

  /// Counts a group of coalesced requests run by an index worker.
  private func recordGroup(_ size: Int) {
    guard size > 1 else { return }
    coalescedGroups.add(1, ordering: .relaxed)
    coalescedRequests.add(size, ordering: .relaxed)
    var largest = largestGroup.load(ordering: .relaxed)
    while size > largest {
      let (exchanged, current) = largestGroup.compareExchange(expected: largest, desired: size, ordering: .relaxed)
      if exchanged { break }
      largest = current
    }
  }

  /// Counts an index-lane job of the connection as ended and resumes reading it.
  private func indexJobDone(connectionID: UInt64) {
    indexJobsOutstanding -= 1
    guard let connection = connections[connectionID] else { return }
    connection.indexJobs -= 1
    processLines(connection)
    closeIfFinished(connection)
  }

  /// Records a request as in flight on `connection`; returns its token and a context whose
  /// progress notifications reach the client only while the request is still in flight.
  private func track(
    id: RPCID, method: String, on connection: Connection, started: ContinuousClock.Instant, slot: BatchSlot? = nil
  ) -> (token: UInt64, context: RequestContext) {
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

  private func startBackground(
    id: RPCID, method: String, params: RPCParams,
    body: @escaping @Sendable (RPCParams, RequestContext) async throws -> JSONValue, on connection: Connection,
    started: ContinuousClock.Instant, slot: BatchSlot?
  ) {
    let (token, context) = track(id: id, method: method, on: connection, started: started, slot: slot)
    let connectionID = connection.id
    backgroundQueue.append(
      (
        connectionID, id, token,
        { [self] in
          let outcome: Result<JSONValue, RPCError>
          do {
            outcome = .success(try await body(params, context))
          } catch {
            outcome = .failure(Self.rpcError(for: error))
          }
          post { [self] in
            backgroundRunning -= 1
            finish(connectionID: connectionID, id: id, token: token, outcome)
            pumpBackground()
          }
        }
      ))
    pumpBackground()
  }

  private func pumpBackground() {
    while backgroundRunning < limits.maxConcurrentBackground && backgroundQueueHead < backgroundQueue.count {
      let item = backgroundQueue[backgroundQueueHead]
      backgroundQueueHead += 1
      guard let connection = connections[item.connection], connection.inFlight[item.id]?.token == item.token else {
        continue
      }
      backgroundRunning += 1
      connection.inFlight[item.id]?.task = Task { await item.run() }
    }
    if backgroundQueueHead == backgroundQueue.count {
      backgroundQueue.removeAll(keepingCapacity: true)
      backgroundQueueHead = 0
    }
  }

  /// Answers a finished index or background request, unless it was cancelled or answered meanwhile.
  private func finish(connectionID: UInt64, id: RPCID, token: UInt64, _ outcome: Result<JSONValue, RPCError>) {
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
  private func answered(
    connectionID: UInt64, id: RPCID, token: UInt64, method: String, _ outcome: Result<Void, RPCError>,
    elapsed: Duration
  ) {
    guard let connection = connections[connectionID] else { return }
    if connection.inFlight[id]?.token == token { connection.inFlight[id] = nil }
    log(outcome, connection: connection, id: id, method: method, elapsed: elapsed)
    connection.lastActivity = .now
    if connection.output.failed { closeConnection(connection, reason: "write failed") }
  }

  private func cancel(_ params: [String: JSONValue], on connection: Connection) -> Result<JSONValue, RPCError> {
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

  /// `auth`: succeeds once per connection (trivially when no token is needed); a second one is
  /// -32600. A wrong token is answered -32004 after `AuthThrottle`'s delay, and the connection
  /// is closed after `maxAuthFailures` of them.
  private func authenticate(_ request: RPCRequest, on connection: Connection, started: ContinuousClock.Instant) {
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
  private func sendDueAuthFailures(now: ContinuousClock.Instant) {
    for pending in authThrottle.takeDue(now: now) {
      guard let connection = connections[pending.connection] else { continue }
      connection.awaitingAuthReply = false
      sendLine(pending.line, to: connection)
      if pending.closes { connection.closeAfterFlush = true }
      processLines(connection)
      closeIfFinished(connection)
    }
  }

  // MARK: - Output

  private func reply(
    to connection: Connection, id: RPCID?, method: String?, started: ContinuousClock.Instant,
    _ outcome: Result<JSONValue, RPCError>, slot: BatchSlot? = nil
  ) {
    log(outcome.map { _ in () }, connection: connection, id: id, method: method, elapsed: .now - started)
    let response = RPCResponse(id: id, outcome: outcome)
    guard let slot else { return sendLine(response.line, to: connection) }
    guard !connection.closed else { return }
    connection.lastActivity = .now
    if !slot.deliver(response) { closeConnection(connection, reason: "write failed") }
  }

  /// One log line per answered request: debug when it succeeded, warning when it failed.
  private func log(
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

  private func sendLine(_ line: [UInt8], to connection: Connection) {
    guard !connection.closed else { return }
    let ok = connection.output.send(line)
    connection.lastActivity = .now
    if !ok { closeConnection(connection, reason: "write failed") }
  }

  /// Rejects params members other than `allowed` as every app method does (-32602 naming one).
  static func checkParams(_ params: [String: JSONValue], allowing allowed: Set<String>) -> Result<Void, RPCError> {
    Result { () throws(RPCError) in try RPCParams(params).rejectUnknown(allowing: allowed) }
  }

  /// The JSON-RPC error for anything a handler throws.
  static func rpcError(for error: any Error) -> RPCError {
    switch error {
    case let error as RPCError: return error
    case let error as any RPCErrorConvertible: return error.rpcError
    case is CancellationError: return .cancelled
    default: return .applicationError(String(describing: error))
    }
  }

  private static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    guard !left.isEmpty, left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
  }
}

extension Duration {
  /// Whole milliseconds.
  var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
  /// Whole microseconds.
  var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}

// The event loop and socket I/O: poll(2) over the wake-up pipe, listeners, connections and
// refused connections; accepting, reading, framing into lines, closing; housekeeping (idle
// connections, delayed auth replies, the shutdown deadline).
import DRPProtocol
import Glibc

extension ServerCore {
  private enum PollOwner {
    case wake
    case listener(Int)
    case connection(Connection)
    case refused(Int32)
  }

  /// The loop: runs posted work and housekeeping, polls, handles what is ready; exits once
  /// shutting down with no connection left.
  func run() {
    loopThread.bindToCurrentThread()
    indexPool = WorkerPool(threads: limits.indexThreads, name: "drp-server-index", busyPoll: limits.busyPoll)
    var fds: [pollfd] = []
    var owners: [PollOwner] = []
    while true {
      drainMailbox()
      housekeeping()
      if shutdownDeadline != nil && connections.isEmpty { break }
      fds.removeAll(keepingCapacity: true)
      owners.removeAll(keepingCapacity: true)
      fds.append(wakeDescriptor)
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
    finishStopping()
  }

  /// poll(2) over `fds`: first busy-polling (while the loop was recently busy and no index job
  /// runs), then sleeping up to 250 ms (less when a delayed `auth` reply is due sooner).
  /// Returns poll's result.
  func waitForEvents(_ fds: inout [pollfd]) -> Int32 {
    assertOnLoop()
    let count = nfds_t(fds.count)
    if limits.busyPoll > .zero && lanes.indexJobsOutstanding == 0 {
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

  /// Whether to poll `connection` for input (not while its replies back up or it waits).
  func wantsInput(_ connection: Connection) -> Bool {
    assertOnLoop()
    return !connection.inputClosed && !connection.closeAfterFlush
      && connection.bufferedOutput < limits.maxOutputBufferBytes
      && connection.indexJobs < limits.maxInFlightPerConnection && !connection.awaitingAuthReply
  }

  func closeListeners() {
    assertOnLoop()
    for listener in listeners {
      close(listener.fd)
      if case .unix(let path) = listener.endpoint { unlink(path) }
    }
    listeners.removeAll()
  }

  func housekeeping() {
    assertOnLoop()
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

  func acceptConnections(_ index: Int) {
    assertOnLoop()
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

  func handleEvents(_ events: Int32, on connection: Connection) {
    assertOnLoop()
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

  func readInput(_ connection: Connection) {
    assertOnLoop()
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

  func processLines(_ connection: Connection) {
    assertOnLoop()
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

  func closeIfFinished(_ connection: Connection) {
    assertOnLoop()
    guard !connection.closed, connection.bufferedOutput == 0 else { return }
    let idleAtShutdown = shutdownDeadline != nil && connection.inFlight.isEmpty
    if connection.closeAfterFlush || (connection.inputClosed && connection.inFlight.isEmpty) || idleAtShutdown {
      closeConnection(connection, reason: connection.inputClosed ? "client closed" : "server closed")
    }
  }

  func closeConnection(_ connection: Connection, reason: String) {
    assertOnLoop()
    guard !connection.closed else { return }
    connection.closed = true
    cancelInFlight(of: connection)
    connections[connection.id] = nil
    peakOutput = max(peakOutput, connection.output.peak)
    connection.output.close()
    logger.log(.debug, "connection closed", ["conn": "\(connection.id)", "reason": reason])
  }

  /// Cancels the connection's requests in flight; none of them will be answered.
  func cancelInFlight(of connection: Connection) {
    assertOnLoop()
    for entry in connection.inFlight.values {
      _ = entry.context.claimAnswer()
      entry.context.markCancelled()
      entry.task?.cancel()
    }
    connection.inFlight.removeAll()
  }
}

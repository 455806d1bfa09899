// The server's core: the bound listeners, the state the event loop owns, and the ways other
// threads reach the loop. The loop itself, dispatch, lanes, auth and replies are extensions in
// ServerCore+*.swift.
import DRPCore
import DRPProtocol
import Dispatch
import Foundation
import Glibc
import Synchronization

/// Owns the sockets and runs the I/O loop on one dedicated thread. The state under "loop" is
/// touched only on that thread (every method using it calls `assertOnLoop()`, checked in debug
/// builds); other threads reach it through `post`. The loop-only members are internal, not
/// private, only so that the ServerCore+*.swift extensions can use them.
/// (Glibc's Swift module does not export epoll, so readiness comes from poll(2), which is
/// O(connections) per wake-up: fine for the default limit of 1024 connections.)
final class ServerCore: @unchecked Sendable {  // @unchecked: mutable state is loop-confined (assertOnLoop)
  let configuration: ServerConfiguration
  let limits: ServerLimits
  let logger: Logger
  let methods: MethodTable
  let parser: JSONParser
  private let wakeRead: Int32
  private let wakeWrite: Int32
  /// Work for the loop; closed (and emptied) when the loop exits so late posts cannot keep the core alive.
  private let mailbox = Mutex<(open: Bool, work: [@Sendable () -> Void])>((true, []))
  /// Bumped (release) by every post and read (acquire) by every drain. The mailbox's `Mutex`
  /// already orders the two; this pair only makes that order visible to ThreadSanitizer, which
  /// cannot see `Mutex` (scripts/tsan.supp) and otherwise learns it only from the wake-up pipe,
  /// which a busy-polling loop may not read before draining.
  private let posts = Atomic<Int>(0)
  /// The loop thread, for `onLoop` and the confinement checks.
  let loopThread: LoopThread
  private let stopped = DispatchGroup()
  private let running = Atomic<Bool>(false)
  /// The addresses actually bound (ephemeral ports resolved).
  let endpoints: [Endpoint]
  /// Groups of 2+ coalesced requests run, the requests in them, and the largest group.
  private let coalescedGroups = Atomic<Int>(0)
  private let coalescedRequests = Atomic<Int>(0)
  private let largestGroup = Atomic<Int>(0)

  // loop
  var listeners: [(fd: Int32, endpoint: Endpoint, requiresAuth: Bool)]
  var connections: [UInt64: Connection] = [:]
  var nextConnectionID: UInt64 = 1
  var nextToken: UInt64 = 1
  var shutdownDeadline: ContinuousClock.Instant?
  var shutdownForced = false
  /// The largest reply backlog of connections already closed (open ones report their own).
  var peakOutput = 0
  var accepted = 0
  var readBuffer = [UInt8](repeating: 0, count: 1 << 16)
  /// Runs `.index` handlers; created when the loop starts, stopped when it exits.
  var indexPool: WorkerPool?
  /// When index and background work may start.
  let lanes: LaneScheduler
  /// When the loop last handled an event: it busy-polls until `busyPoll` after it.
  var lastWork = ContinuousClock.now
  /// Delayed replies to failed `auth` attempts.
  var authThrottle: AuthThrottle
  /// Connections refused at the connection limit, closing without a reset.
  var refused = RefusedConnections()

  /// Binds every configured listener; the loop starts with `start()`.
  init(
    configuration: ServerConfiguration, logger: Logger, methods: MethodTable, loopThread: LoopThread = LoopThread()
  ) throws(ServerError) {
    self.configuration = configuration
    self.limits = configuration.limits
    self.logger = logger
    self.methods = methods
    self.parser = JSONParser(maxDepth: configuration.limits.maxJSONDepth)
    self.authThrottle = AuthThrottle(limits: configuration.limits)
    self.loopThread = loopThread
    self.lanes = LaneScheduler(maxConcurrentBackground: configuration.limits.maxConcurrentBackground, loop: loopThread)
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
    let thread = Thread { [self] in run() }
    thread.name = "drp-server-loop"
    thread.start()
    for endpoint in endpoints { logger.log(.info, "listening", ["address": endpoint.description]) }
  }

  /// Blocks until the loop has exited.
  func waitUntilStopped() { stopped.wait() }

  /// In debug builds, stops the process unless called on the loop thread (see `LoopThread`).
  @inline(__always)
  func assertOnLoop(_ function: StaticString = #function) { loopThread.check(function) }

  /// Runs `work` on the loop thread (immediately when already on it).
  func onLoop(_ work: @escaping @Sendable () -> Void) {
    if loopThread.isCurrent {
      work()
    } else {
      post(work)
    }
  }

  /// Queues `work` for the loop thread and wakes it.
  /// - Returns: false (work dropped) when the loop has exited.
  @discardableResult
  func post(_ work: @escaping @Sendable () -> Void) -> Bool {
    posts.add(1, ordering: .releasing)
    let queued = mailbox.withLock { mailbox in
      if mailbox.open { mailbox.work.append(work) }
      return mailbox.open
    }
    guard queued else { return false }
    var byte: UInt8 = 1
    _ = write(wakeWrite, &byte, 1)
    return true
  }

  /// Runs the work posted so far (loop only).
  func drainMailbox() {
    assertOnLoop()
    let work = mailbox.withLock { mailbox in
      let taken = mailbox.work
      mailbox.work.removeAll()
      return taken
    }
    _ = posts.load(ordering: .acquiring)
    for item in work { item() }
  }

  /// Empties the wake-up pipe (loop only).
  func drainWakePipe() {
    assertOnLoop()
    var scratch = [UInt8](repeating: 0, count: 256)
    while read(wakeRead, &scratch, scratch.count) > 0 {}
  }

  /// The poll(2) entry of the wake-up pipe.
  var wakeDescriptor: pollfd { pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0) }

  /// Refuses further posts (dropping queued ones), stops the index pool after its queued jobs and
  /// marks the core stopped: the loop's last act.
  func finishStopping() {
    assertOnLoop()
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
        stats.backgroundRunning = lanes.backgroundRunning
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

  /// Counts a group of coalesced requests run by an index worker.
  func recordGroup(_ size: Int) {
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
}

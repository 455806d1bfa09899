// The public server: method registry, start, shutdown, signal handling.
import DRPCore
import DRPProtocol
import Dispatch
import Glibc
import Synchronization

/// A line-delimited JSON-RPC 2.0 server on TCP and Unix sockets (see PROTOCOL.md).
///
///     let server = Server(configuration: ServerConfiguration(listeners: [.tcp(host: "127.0.0.1", port: 0)]))
///     server.register("neighbors", lane: .index) { params, context in … }
///     server.registerAsync("generate") { params, context in context.notify(progress: ["delta": "…"]); … }
///     let endpoints = try server.start()
///     server.runUntilSignalled()
public final class Server: Sendable {
  /// The configuration the server was created with.
  public let configuration: ServerConfiguration
  private let logger: Logger
  private let methods = MethodTable()
  private let core = Mutex<ServerCore?>(nil)

  /// Creates a server; nothing is bound until `start()`.
  public init(configuration: ServerConfiguration = ServerConfiguration(), logger: Logger = Logger()) {
    self.configuration = configuration
    self.logger = logger
  }

  /// Registers a synchronous handler. On `.inline` it runs on the event loop (keep it trivial);
  /// on `.index` on a worker thread of the index pool; on `.background` in a Task. The returned value is the result; a thrown
  /// `RPCError` (or `RPCErrorConvertible`) becomes the error reply, anything else -32000.
  /// `ping`, `cancel` and `auth` are built in and cannot be registered.
  public func register(
    _ method: String, lane: MethodLane = .inline,
    handler: @escaping @Sendable (RPCParams, RequestContext) throws -> JSONValue
  ) {
    switch lane {
    case .inline: methods.register(method, .inline(handler))
    case .index: methods.register(method, .index(handler))
    case .background: methods.register(method, .background { params, context in try handler(params, context) })
    }
  }

  /// Registers an `.index`-lane method whose queued requests are answered together: when a worker
  /// takes a request of `method`, it also takes every other queued request of it with the same
  /// `key(params)` (up to `limit`, in arrival order, including the members of one JSON-RPC batch)
  /// and answers them with one call of `handler`, which returns one outcome per params, in order.
  /// Nothing waits for a group to fill: a lone request runs at once as a group of one.
  /// Use it for requests that are cheaper together (index queries through a matrix kernel); the
  /// key keeps apart requests that cannot share the work (e.g. different filters).
  public func registerCoalescing(
    _ method: String, limit: Int = 256, key: @escaping @Sendable (RPCParams) -> String,
    handler: @escaping @Sendable ([RPCParams]) -> [Result<JSONValue, RPCError>]
  ) {
    methods.register(method, .coalescing(key: key, limit: max(1, limit), body: handler))
  }

  /// Registers an async handler on the `.background` lane: it runs as a Task (cancelled by
  /// `cancel`, client disconnect or the shutdown deadline) and may stream `context.notify(progress:)`.
  public func registerAsync(
    _ method: String, handler: @escaping @Sendable (RPCParams, RequestContext) async throws -> JSONValue
  ) {
    methods.register(method, .background(handler))
  }

  /// The registered application method names, sorted.
  public var registeredMethods: [String] { methods.names }

  /// Binds every listener and starts the event loop.
  /// - Returns: the bound addresses (a TCP port 0 is replaced by the ephemeral port chosen).
  /// - Throws: `ServerError` when an address cannot be bound, a live server owns the Unix socket,
  ///   or a non-loopback address is configured without `allowRemote` and a token.
  @discardableResult
  public func start() throws(ServerError) -> [Endpoint] {
    signal(SIGPIPE, SIG_IGN)
    let started = try ServerCore(configuration: configuration, logger: logger, methods: methods)
    try core.withLock { current throws(ServerError) in
      guard current == nil else { throw ServerError("server already started") }
      current = started
    }
    started.start()
    return started.endpoints
  }

  /// The bound addresses (empty before `start()`).
  public var endpoints: [Endpoint] { core.withLock { $0?.endpoints ?? [] } }

  /// Stops accepting connections and removes the Unix socket files; in-flight requests may finish
  /// until `deadline`, then they are cancelled and answered with -32005; connections are closed.
  /// Blocks until the loop has stopped. Calling it again (or before `start`) is harmless.
  public func shutdown(deadline: Duration = .seconds(10)) {
    guard let running = core.withLock({ $0 }) else { return }
    running.beginShutdown(deadline: deadline)
    running.waitUntilStopped()
  }

  /// Blocks until SIGINT or SIGTERM arrives (or the server stops otherwise), then shuts down with
  /// `grace` as the deadline. For `drp serve`. Both signals stay ignored afterwards: the process
  /// is expected to exit once this returns.
  /// - Parameter ready: called once the signal handlers are installed (announce the server
  ///   there: a signal sent after that point is never lost).
  public func runUntilSignalled(grace: Duration = .seconds(10), ready: () -> Void = {}) {
    guard let running = core.withLock({ $0 }) else { return }
    let wake = DispatchSemaphore(value: 0)
    let registered = DispatchGroup()
    let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [logger] in
        logger.log(.info, "received signal \(number)")
        wake.signal()
      }
      registered.enter()
      source.setRegistrationHandler { registered.leave() }
      source.resume()
      return source
    }
    // The sources register asynchronously; until then the signals are ignored (SIG_IGN) and would
    // be lost, so `ready` (which tells the world the server is up) waits for the registration.
    _ = registered.wait(timeout: .now() + 5)
    ready()
    DispatchQueue.global().async {
      running.waitUntilStopped()
      wake.signal()
    }
    wake.wait()
    shutdown(deadline: grace)
    for source in sources { source.cancel() }
  }

  /// Current counters (zero when not running).
  public func stats() -> ServerStats { core.withLock { $0 }?.stats() ?? ServerStats() }
}

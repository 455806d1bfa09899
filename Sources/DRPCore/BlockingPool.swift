// Threads for blocking work (SQLite, index scans, file I/O) requested from async code.
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A fixed set of dedicated threads that run blocking work for async callers, so that SQLite
/// queries, index scans and file writes never occupy the Swift-concurrency cooperative pool (one
/// thread per core: a few blocked callers there starve every other task).
///
/// Jobs run in FIFO order on the first free thread. An async caller suspends (holding no thread)
/// until its job has run; ``runSync(_:)`` blocks a caller that is itself a plain thread. A pool of
/// one thread is a serial executor: its jobs never overlap. With an idle timeout, a thread that
/// found no job for that long ends (a later job starts a new one), so a pool sized for bursts
/// (e.g. one thread per HTTP exchange in flight) gives its threads back between them.
public final class BlockingPool: @unchecked Sendable {  // the job queue is guarded by `available`

  /// The pool's name (its threads are called `<name>-<n>`).
  public let name: String
  /// The number of threads.
  public let threads: Int
  private let available = NSCondition()
  private var jobs: [@Sendable () -> Void] = []
  private var head = 0
  private var stopped = false
  private var started = 0
  private var idle = 0
  private let onPoolThread: ThreadFlag
  private let idleTimeout: Double?

  /// A pool of up to `threads` (at least 1) threads, started when jobs find no idle thread; with
  /// `idleTimeout` (seconds), a thread ends after waiting that long without a job.
  public init(name: String, threads: Int, idleTimeout: Double? = nil) {
    self.name = name
    self.threads = max(1, threads)
    self.idleTimeout = idleTimeout
    onPoolThread = ThreadFlag()
  }

  /// Threads started and not ended.
  public var liveThreads: Int { available.withLock { started } }

  /// Whether the calling thread is one of this pool's threads.
  public var isCurrent: Bool { onPoolThread.isSet }

  /// Runs `body` on a pool thread and returns its result; the calling task suspends meanwhile.
  /// Called from one of the pool's own threads, `body` runs at once on that thread.
  /// - Throws: what `body` throws.
  public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    if isCurrent { return try body() }
    return try await withCheckedThrowingContinuation { continuation in
      enqueue { continuation.resume(with: Result { try body() }) }
    }
  }

  /// Runs `body` on a pool thread and blocks the calling thread until it has run. Called from one
  /// of the pool's own threads, `body` runs at once. Never call it from a Swift-concurrency task.
  /// - Throws: what `body` throws.
  public func runSync<T>(_ body: () throws -> T) throws -> T {
    if isCurrent { return try body() }
    return try withoutActuallyEscaping(body) { body in
      let slot = SyncSlot(body)
      let done = DispatchSemaphore(value: 0)
      enqueue {
        slot.run()
        done.signal()
      }
      done.wait()
      return try slot.result!.get()
    }
  }

  /// Runs `job` on a pool thread without waiting for it.
  public func start(_ job: @escaping @Sendable () -> Void) { enqueue(job) }

  /// Stops the threads once the queued jobs have run.
  public func shutdown() {
    available.withLock {
      stopped = true
      available.broadcast()
    }
  }

  private func enqueue(_ job: @escaping @Sendable () -> Void) {
    let (wake, spawn): (Bool, Int?) = available.withLock {
      jobs.append(job)
      guard jobs.count - head > idle, started < threads, !stopped else { return (idle > 0, nil) }
      started += 1
      return (idle > 0, started)
    }
    // Signalled after the lock is released: a waiter woken inside it would at once block on the
    // lock the caller still holds (`drp-bench pipeline --only c`: 7 % fewer context switches);
    // it re-checks the queue under the lock anyway, and a waiter that timed out meanwhile finds
    // the job there.
    if wake { available.signal() }
    if let spawn {
      let threadName = "\(name)-\(spawn)"
      let thread = Thread { [self] in work(named: threadName) }
      thread.name = threadName
      thread.start()
    }
  }

  private func work(named threadName: String) {
    // Foundation's `Thread.name` does not reach the kernel on Linux: without this the thread keeps
    // the name of the thread that started it (e.g. a Swift-concurrency worker), in `top -H`, `ps`,
    // `perf` and debuggers alike. The kernel keeps 15 bytes.
    Self.setKernelThreadName(threadName)
    onPoolThread.set()
    while let job = next() { job() }
  }

  /// glibc's `pthread_setname_np`, which the Glibc module does not declare (it is a GNU extension).
  private static let setName: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32).self)
  }()

  /// Names the calling thread for the kernel (first 15 bytes).
  private static func setKernelThreadName(_ name: String) {
    guard let setName else { return }
    var bytes = Array(name.utf8.prefix(15)).map { CChar(bitPattern: $0) }
    bytes.append(0)
    _ = setName(pthread_self(), bytes)
  }

  /// The next job, waiting for one; nil once the pool is shut down and the queue is empty, or
  /// when the idle timeout passed without a job (the thread then ends and is no longer counted).
  private func next() -> (@Sendable () -> Void)? {
    available.withLock {
      while head == jobs.count {
        if stopped { return nil }
        idle += 1
        var signalled = true
        if let idleTimeout {
          signalled = available.wait(until: Date(timeIntervalSinceNow: idleTimeout))
        } else {
          available.wait()
        }
        idle -= 1
        if !signalled && head == jobs.count && !stopped {
          started -= 1
          return nil
        }
      }
      let job = jobs[head]
      head += 1
      if head == jobs.count {
        jobs.removeAll(keepingCapacity: true)
        head = 0
      }
      return job
    }
  }
}

/// The body and result of a ``BlockingPool/runSync(_:)`` job. The body is released as soon as it
/// has run (before the caller is woken), so the caller's non-escaping closure never outlives the
/// call; the one caller that waits reads the result, so the slot is never used by two threads at once.
private final class SyncSlot<T>: @unchecked Sendable {  // @unchecked: written before the signal, read after the wait
  private var body: (() throws -> T)?
  var result: Result<T, any Error>?

  init(_ body: @escaping () throws -> T) { self.body = body }

  func run() {
    guard let body else { return }
    self.body = nil
    result = Result { try body() }
  }
}

/// A per-thread boolean (set on a pool's own threads).
private final class ThreadFlag: Sendable {
  private let key: pthread_key_t

  init() {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    self.key = key
  }

  var isSet: Bool { pthread_getspecific(key) != nil }

  func set() { pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1)) }
}

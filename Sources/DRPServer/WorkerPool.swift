// A fixed set of threads running short CPU-bound jobs off the event loop.
import Foundation
import Glibc
import Synchronization

/// Runs submitted jobs in FIFO order on a fixed number of dedicated threads (not the Swift
/// concurrency pool, so blocking or CPU-heavy jobs cannot starve async work or the event loop).
///
/// A worker that has just finished a quick job keeps looking for the next one for `busyPoll`
/// before it sleeps: waking a sleeping thread costs tens of microseconds on a virtual machine,
/// more than a quick index query, and a client sending quick requests back to back sends its
/// next one sooner than that. After a long job (over `quickJob`) it sleeps at once: its client
/// has waited long enough to be asleep itself and will not answer within microseconds, and a
/// polling thread would only take the core the client wakes up on. An idle pool sleeps and costs
/// nothing.
///
/// Grouped jobs (`Job.grouped`) of one key are run together: a worker taking one also takes every
/// other job of that key queued at that moment (up to the key's limit, in queue order) and runs
/// them with one call, so a burst of compatible requests costs one pass over the data. One group
/// per key runs at a time: jobs of that key arriving meanwhile wait (other jobs pass them) and
/// form the next group, instead of a second worker taking them one by one as they trickle in (a
/// group's pass already uses every core, so a second pass at once would only split the batch).
/// A lone job of an idle key runs at once.
///
/// When a group of several jobs ends, the jobs of its key queued meanwhile do not start the next
/// group at once: they wait until as many jobs of the key are queued as were queued or running
/// when the group ended (its own clients, answered now, usually send their next requests within a
/// round trip), or for at most `groupHold` of the group's run time (capped by `maxGroupHold`; by
/// default an eighth, at most 5 ms), whichever comes first. Without this wait, the requests of
/// clients answered by one group and of those that queued meanwhile alternate between two partial
/// groups, and a pass over the data costs nearly as much for half the queries (BENCHMARKS.md,
/// "Server"). After a group of one job (a lone client) nothing waits.
final class WorkerPool: Sendable {
  /// A queued job.
  enum Job: Sendable {
    /// Runs alone.
    case single(@Sendable () -> Void)
    /// Runs together with the other queued jobs of its key.
    case grouped(GroupedJob)
  }

  private struct State {
    var jobs: [Job] = []
    var head = 0
    var stopping = false
    /// Workers blocked on `wakeUp`, each owed one signal by the next `submit`.
    var sleepers = 0
    /// Keys of the groups running now.
    var running: Set<String> = []
    /// Per key, after its last group ended: the next group's wait (see the type's comment).
    var holds: [String: Hold] = [:]
  }

  /// How long the next group of a key waits for how many jobs.
  private struct Hold {
    /// Queued jobs of the key that end the wait.
    let expected: Int
    /// When the wait ends anyway.
    let until: ContinuousClock.Instant
  }

  private let state = Mutex(State())
  /// Jobs queued and not yet taken: lets spinning workers look without taking the lock.
  private let queued = Atomic<Int>(0)
  private let wakeUp = DispatchSemaphore(value: 0)
  private let finished = DispatchGroup()
  private let threadCount: Int
  private let busyPoll: Duration
  /// Jobs shorter than this are followed by busy polling.
  static let quickJob = Duration.milliseconds(1)
  /// Longest wait of a group for its key's jobs, as a share of the last group's run time.
  private let groupHold: Double
  /// Longest wait of a group for its key's jobs.
  private let maxGroupHold: Duration

  /// Starts `threads` worker threads named `name-N` that poll `busyPoll` for more work after each
  /// job; a group waits for its key's jobs at most `groupHold` of the last group's run time and at
  /// most `maxGroupHold` (see the type's comment).
  init(
    threads: Int, name: String, busyPoll: Duration = .zero, groupHold: Double = 0.125,
    maxGroupHold: Duration = .milliseconds(5)
  ) {
    threadCount = max(1, threads)
    self.busyPoll = busyPoll
    self.groupHold = groupHold
    self.maxGroupHold = maxGroupHold
    for number in 0..<threadCount {
      finished.enter()
      let thread = Thread { [self] in work() }
      thread.name = "\(name)-\(number)"
      thread.start()
    }
  }

  /// Queues `job`. Returns false (and drops it) once `stop()` was called.
  @discardableResult
  func submit(_ job: @escaping @Sendable () -> Void) -> Bool { submit(contentsOf: [.single(job)]) }

  /// Queues all of `jobs` at once (a worker polling meanwhile cannot take the first before the
  /// others are queued, so grouped jobs among them run together). Returns false (and drops them)
  /// once `stop()` was called.
  @discardableResult
  func submit(contentsOf jobs: [Job]) -> Bool {
    guard !jobs.isEmpty else { return true }
    let (accepted, wake) = state.withLock { state -> (Bool, Int) in
      guard !state.stopping else { return (false, 0) }
      state.jobs.append(contentsOf: jobs)
      queued.add(jobs.count, ordering: .releasing)
      let wake = min(state.sleepers, jobs.count)
      state.sleepers -= wake
      return (true, wake)
    }
    for _ in 0..<wake { wakeUp.signal() }
    return accepted
  }

  /// Runs the jobs already queued, then ends every thread; blocks until they have ended.
  func stop() {
    let sleeping = state.withLock { state -> Int? in
      guard !state.stopping else { return nil }
      state.stopping = true
      defer { state.sleepers = 0 }
      return state.sleepers
    }
    guard let sleeping else { return }
    for _ in 0..<sleeping { wakeUp.signal() }
    finished.wait()
  }

  private enum Next {
    case run(@Sendable () -> Void)
    case runGroup([GroupedJob])
    /// Nothing may run now; a held group may run at the given time (nil: only after a `submit`).
    case wait(until: ContinuousClock.Instant?)
    case exit
  }

  /// The first job that may run (a single job, or a grouped job whose key has no group running
  /// and is not held), with the rest of its group; else `.exit` when stopping, else `.wait`
  /// (registering as a sleeper when `sleep`).
  private func next(sleep: Bool) -> Next {
    state.withLock { state in
      let held = Self.heldKeys(in: &state)
      let runnable = state.jobs[state.head...].firstIndex { job in
        guard case .grouped(let grouped) = job else { return true }
        return !state.running.contains(grouped.key) && !held.keys.contains(grouped.key)
      }
      if let index = runnable {
        let next: Next
        var taken = 1
        switch state.jobs[index] {
        case .single(let body):
          next = .run(body)
          if index == state.head { state.head += 1 } else { state.jobs.remove(at: index) }
        case .grouped(let first):
          let group = Self.takeGroup(of: first, from: &state)
          state.running.insert(first.key)
          state.holds[first.key] = nil
          taken = group.count
          next = .runGroup(group)
        }
        // Acquiring pairs with `submit`'s releasing add: the lock already orders the handoff, but
        // ThreadSanitizer cannot see Mutex locking (scripts/tsan.supp) and sees this edge instead.
        queued.subtract(taken, ordering: .acquiring)
        if state.head == state.jobs.count {
          state.jobs.removeAll(keepingCapacity: true)
          state.head = 0
        }
        return next
      }
      if state.stopping { return .exit }
      if sleep { state.sleepers += 1 }
      return .wait(until: held.values.min())
    }
  }

  /// The keys whose next group waits now, with when each wait ends; drops the holds that are
  /// over (expired, enough jobs queued, or stopping).
  private static func heldKeys(in state: inout State) -> [String: ContinuousClock.Instant] {
    guard !state.holds.isEmpty else { return [:] }
    guard !state.stopping else {
      state.holds = [:]
      return [:]
    }
    let now = ContinuousClock.now
    let queued = queuedJobs(in: state) { state.holds[$0] != nil }
    var held: [String: ContinuousClock.Instant] = [:]
    for (key, hold) in state.holds {
      if now < hold.until && queued[key, default: 0] < hold.expected {
        held[key] = hold.until
      } else {
        state.holds[key] = nil
      }
    }
    return held
  }

  /// The number of queued grouped jobs per key, for the keys `counted` accepts.
  private static func queuedJobs(in state: State, of counted: (String) -> Bool) -> [String: Int] {
    var queued: [String: Int] = [:]
    for job in state.jobs[state.head...] {
      if case .grouped(let grouped) = job, counted(grouped.key) { queued[grouped.key, default: 0] += 1 }
    }
    return queued
  }

  /// The queued jobs of `first`'s key (`first` among them), up to its limit, in queue order,
  /// removed from the queue (the others keep their order).
  private static func takeGroup(of first: GroupedJob, from state: inout State) -> [GroupedJob] {
    var group: [GroupedJob] = []
    var kept: [Job] = []
    for job in state.jobs[state.head...] {
      if group.count < first.limit, case .grouped(let member) = job, member.key == first.key {
        group.append(member)
      } else {
        kept.append(job)
      }
    }
    state.jobs.replaceSubrange(state.head..., with: kept)
    return group
  }

  /// Runs a group, then lets the next group of its key start once it has waited for its jobs
  /// (see the type's comment).
  private func runGroup(_ group: [GroupedJob]) -> ContinuousClock.Instant {
    let start = ContinuousClock.now
    let pollUntil = run { GroupedJob.run(group) }
    let end = ContinuousClock.now
    let key = group[0].key
    state.withLock { state in
      state.running.remove(key)
      guard group.count > 1 else { return }
      let queued = Self.queuedJobs(in: state) { $0 == key }[key, default: 0]
      let expected = min(group[0].limit, group.count + queued)
      guard queued < expected else { return }
      let wait = min((end - start) * groupHold, maxGroupHold)
      state.holds[key] = Hold(expected: expected, until: end + wait)
    }
    return pollUntil
  }

  /// Runs `job`; returns until when to poll for the next one.
  private func run(_ job: () -> Void) -> ContinuousClock.Instant {
    let start = ContinuousClock.now
    job()
    let end = ContinuousClock.now
    return end - start < Self.quickJob ? end + busyPoll : end
  }

  private func work() {
    defer { finished.leave() }
    var pollUntil = ContinuousClock.now
    while true {
      let polling = ContinuousClock.now < pollUntil
      switch next(sleep: !polling) {
      case .run(let job): pollUntil = run(job)
      case .runGroup(let group): pollUntil = runGroup(group)
      case .exit: return
      case .wait where polling:
        // Watch the counter, not the lock, until a job is queued or the window ends (yielding
        // once first: jobs of a held group keep the counter above zero with nothing to run).
        sched_yield()
        while ContinuousClock.now < pollUntil && queued.load(ordering: .acquiring) == 0 { sched_yield() }
      case .wait(until: nil): wakeUp.wait()
      case .wait(let until?):
        let remaining = max(.zero, until - .now)
        if wakeUp.wait(timeout: .now() + .nanoseconds(Int(remaining.nanoseconds) + 1_000)) == .timedOut {
          reclaimSleep()
        }
      }
    }
  }

  /// After a timed wait ran out: this worker no longer sleeps. Either its count in `sleepers` is
  /// still there (taken back), or a `submit` already took it and signals (that signal is consumed
  /// here, so it cannot wake a later wait for nothing).
  private func reclaimSleep() {
    let signalled = state.withLock { state -> Bool in
      guard state.sleepers > 0 else { return true }
      state.sleepers -= 1
      return false
    }
    if signalled { wakeUp.wait() }
  }
}

// When index-lane and background-lane work may start.

/// Decides when requests' handlers start off the event loop. The index lane: every job is
/// counted until it ends (the loop does not busy-poll while any runs); the jobs of a batch line
/// are held until the line is dispatched and then handed to the worker pool together, so a worker
/// can take a batch's coalescing requests as one group. The background lane: at most
/// `maxConcurrentBackground` tasks run; more wait in arrival order, and a waiting job whose
/// request was cancelled or answered meanwhile is skipped. It starts nothing itself: index jobs
/// it returns go to the caller's `WorkerPool`, background jobs are started by their `start`.
/// Owned by the event loop: every method checks that (`LoopThread`, debug builds).
final class LaneScheduler {
  /// A background job waiting for a slot.
  struct BackgroundJob {
    /// False once the request no longer needs running (cancelled, answered, connection gone).
    let isLive: () -> Bool
    /// Starts the work; its end must be reported with `backgroundEnded(then:)`.
    let start: () -> Void
  }

  /// Most background jobs running at once.
  let maxConcurrentBackground: Int
  private let loop: LoopThread
  /// Index-lane jobs handed out and not yet reported ended.
  private(set) var indexJobsOutstanding = 0
  /// While a batch line is dispatched: its index-lane jobs, handed out together at its end.
  private var batchJobs: [WorkerPool.Job]?
  /// Background jobs started and not yet ended.
  private(set) var backgroundRunning = 0
  private var backgroundQueue: [BackgroundJob] = []
  private var backgroundQueueHead = 0

  /// A scheduler checked against `loop`.
  init(maxConcurrentBackground: Int, loop: LoopThread) {
    self.maxConcurrentBackground = maxConcurrentBackground
    self.loop = loop
  }

  // MARK: - Index lane

  /// Counts `job` as outstanding and returns the jobs to hand to the index pool now: `[job]`,
  /// or none while a batch is open (it is held for `endBatch()`).
  func submitIndex(_ job: WorkerPool.Job) -> [WorkerPool.Job] {
    loop.check()
    indexJobsOutstanding += 1
    guard batchJobs != nil else { return [job] }
    batchJobs?.append(job)
    return []
  }

  /// Starts holding index jobs (a batch line is being dispatched).
  func beginBatch() {
    loop.check()
    batchJobs = []
  }

  /// Stops holding index jobs; returns the held ones, in submission order, to hand out together.
  func endBatch() -> [WorkerPool.Job] {
    loop.check()
    defer { batchJobs = nil }
    return batchJobs ?? []
  }

  /// Counts an index job as ended.
  func indexJobEnded() {
    loop.check()
    indexJobsOutstanding -= 1
  }

  // MARK: - Background lane

  /// Queues `job` and starts whatever the limit allows (it may be `job` at once).
  func enqueueBackground(_ job: BackgroundJob) {
    loop.check()
    backgroundQueue.append(job)
    pumpBackground()
  }

  /// Counts a background job as ended, runs `finish` (its reply and bookkeeping), then starts
  /// the next waiting jobs.
  func backgroundEnded(then finish: () -> Void) {
    loop.check()
    backgroundRunning -= 1
    finish()
    pumpBackground()
  }

  /// Background jobs waiting for a slot (including ones that will be skipped).
  var backgroundWaiting: Int { backgroundQueue.count - backgroundQueueHead }

  private func pumpBackground() {
    while backgroundRunning < maxConcurrentBackground && backgroundQueueHead < backgroundQueue.count {
      let job = backgroundQueue[backgroundQueueHead]
      backgroundQueueHead += 1
      guard job.isLive() else { continue }
      backgroundRunning += 1
      job.start()
    }
    if backgroundQueueHead == backgroundQueue.count {
      backgroundQueue.removeAll(keepingCapacity: true)
      backgroundQueueHead = 0
    }
  }
}

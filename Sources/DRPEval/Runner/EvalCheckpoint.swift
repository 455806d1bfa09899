// Finished samples persisted as JSON lines, so a killed evaluation resumes without redoing them.
import DRPCore
import DRPReasoning
import Foundation

/// An append-only JSON-lines file of finished ``EvalSample``s. Each sample is written and flushed
/// to disk as soon as it is generated; opening the file again restores them. A line cut short by a
/// kill is dropped on opening. Thread-safe.
public final class EvalCheckpoint: @unchecked Sendable {  // @unchecked: guarded by `lock`; one writer thread
  /// The file.
  public let path: String
  private let lock = NSLock()
  private var samples: [EvalSample.Key: EvalSample] = [:]
  private let handle: FileHandle
  /// The thread that appends and fsyncs samples for async callers.
  private let writer = BlockingPool(name: "drp-eval-checkpoint", threads: 1)

  /// The checkpoint of settings `fingerprint` inside a drp home: `<home>/eval/<fingerprint>.jsonl`.
  public static func path(home: String, fingerprint: String) -> String {
    ((home as NSString).appendingPathComponent("eval") as NSString).appendingPathComponent("\(fingerprint).jsonl")
  }

  /// Opens (creating it and its directory if needed) the checkpoint at `path` and loads its samples.
  /// - Parameter fresh: discard saved samples and start an empty file.
  /// - Throws: ``EvalError/checkpoint(path:detail:)`` when the file cannot be read, repaired or opened,
  ///   or a complete line is not a sample.
  public init(path: String, fresh: Bool = false) throws {
    self.path = path
    let manager = FileManager.default
    do {
      try manager.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      if fresh || !manager.fileExists(atPath: path) {
        guard manager.createFile(atPath: path, contents: nil) else {
          throw EvalError.checkpoint(path: path, detail: "cannot create the file")
        }
      }
      var data = try Data(contentsOf: URL(fileURLWithPath: path))
      // A kill can leave a partial last line: cut the file back to its last newline.
      if let last = data.last, last != UInt8(ascii: "\n") {
        let keep = (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        data = data.prefix(keep)
        try data.write(to: URL(fileURLWithPath: path))
      }
      let decoder = JSONDecoder()
      for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
        do {
          let sample = try decoder.decode(EvalSample.self, from: Data(line))
          samples[sample.key] = sample
        } catch {
          throw EvalError.checkpoint(path: path, detail: "line \(number + 1) is not a sample (\(error))")
        }
      }
      handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
      try handle.seekToEnd()
    } catch let error as EvalError {
      throw error
    } catch {
      throw EvalError.checkpoint(path: path, detail: "\(error)")
    }
  }

  deinit {
    writer.shutdown()
    try? handle.close()
  }

  /// Number of saved samples.
  public var count: Int { lock.withLock { samples.count } }

  /// The saved sample of `heldOut` in `mode`, if one exists for the same review text.
  public func sample(for heldOut: HeldOutCase, mode: PipelineMode) -> EvalSample? {
    lock.withLock {
      let key = EvalSample.Key(user: heldOut.userID, reviewID: heldOut.heldOut.id, mode: mode)
      guard let sample = samples[key], sample.reference == heldOut.heldOut.text else { return nil }
      return sample
    }
  }

  /// ``record(_:)`` on the checkpoint's own thread, so its write and fsync never occupy the
  /// Swift-concurrency pool.
  /// - Throws: ``EvalError/checkpoint(path:detail:)`` when writing fails.
  public func recordAsync(_ sample: EvalSample) async throws {
    try await writer.run { [self] in try record(sample) }
  }

  /// Appends `sample` to the file and flushes it to disk.
  /// - Throws: ``EvalError/checkpoint(path:detail:)`` when writing fails.
  public func record(_ sample: EvalSample) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    try lock.withLock {
      do {
        var line = try encoder.encode(sample)
        line.append(UInt8(ascii: "\n"))
        try handle.write(contentsOf: line)
        try handle.synchronize()
        samples[sample.key] = sample
      } catch {
        throw EvalError.checkpoint(path: path, detail: "cannot append a sample (\(error))")
      }
    }
  }
}

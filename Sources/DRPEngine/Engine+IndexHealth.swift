// Damaged index files never answer silently: checksum verification and score range checks.
import DRPIndex
import Foundation
import Synchronization

/// What is known about the integrity of the index an `Engine` uses, per loaded index (an index
/// replaced by a rebuild or reloaded from a file another process wrote starts unchecked). Opening
/// a file checksums only its header and id table (O(1) start-up); the vector payload is
/// checksummed by `Engine.verifyIndexFile()` (`drp serve` at start), on first use when the file is
/// at most `index.verify_max_bytes` (the CLI), and before the loaded index is saved over its file.
/// Between checksums, every score returned and every stored vector read is range-checked.
public final class IndexHealth: Sendable {
  enum State: Equatable {
    /// The payload has not been checksummed.
    case unchecked
    /// The payload matched its checksum (or the index was built in memory).
    case verified
    /// The file is damaged: the reason.
    case damaged(String)
  }

  /// The state of one index (weak: a replaced index does not linger).
  private struct Entry {
    weak var index: VectorIndex?
    var state: State
  }

  private let entry = Mutex(Entry(index: nil, state: .unchecked))

  init() {}

  /// The state of `index` (`.unchecked` when nothing was recorded for it).
  func current(for index: VectorIndex) -> State {
    entry.withLock { $0.index === index ? $0.state : .unchecked }
  }

  func set(_ state: State, for index: VectorIndex) { entry.withLock { $0 = Entry(index: index, state: state) } }

  /// Records damage found in `index` while answering (the first reason is kept); returns the error.
  func damaged(_ reason: String, in index: VectorIndex) -> EngineError {
    entry.withLock { entry in
      if entry.index === index, case .damaged = entry.state { return }
      entry = Entry(index: index, state: .damaged(reason))
    }
    return EngineError.damagedIndex(reason)
  }
}

extension EngineError {
  /// The error of every index request once the index is known to be damaged.
  static func damagedIndex(_ reason: String) -> EngineError {
    EngineError(
      .damagedIndex,
      "the user index is damaged (\(reason)); rebuild it with `drp index build` (or `drp embed --rebuild`)")
  }
}

extension Engine {
  /// A score outside [-1 - ε, 1 + ε] cannot come from unit vectors: the index is damaged.
  static let scoreTolerance: Float = 1e-3

  /// Checksums the whole index file now (`drp serve` calls it before it listens) and records
  /// the outcome for the loaded index: a damaged file makes every later index request fail with
  /// ``ErrorKind/damagedIndex``.
  /// - Returns: the seconds taken and the problem found (nil: intact, or no index file).
  @discardableResult
  public func verifyIndexFile() -> (seconds: Double, problem: String?) {
    verifyIndexFile(for: state().index)
  }

  private func verifyIndexFile(for index: VectorIndex) -> (seconds: Double, problem: String?) {
    let start = Date()
    guard FileManager.default.fileExists(atPath: indexPath) else {
      indexHealth.set(.verified, for: index)
      return (0, nil)
    }
    do {
      try VectorIndex.verify(path: indexPath)
      indexHealth.set(.verified, for: index)
      return (Date().timeIntervalSince(start), nil)
    } catch {
      indexHealth.set(.damaged("\(error)"), for: index)
      return (Date().timeIntervalSince(start), "\(error)")
    }
  }

  /// Fails when `index` is known to be damaged; checksums its file the first time when the
  /// index was loaded from a file of at most `index.verify_max_bytes`.
  func requireIntactIndex(_ index: VectorIndex) throws {
    switch indexHealth.current(for: index) {
    case .verified: return
    case .damaged(let reason): throw EngineError.damagedIndex(reason)
    case .unchecked:
      guard index.info().path != nil else { return }  // built in memory (or file ignored): nothing to verify
      let size = (try? FileManager.default.attributesOfItem(atPath: indexPath)[.size] as? Int) ?? nil
      guard let size, size <= config.index.verifyMaxBytes else { return }
      if let problem = verifyIndexFile(for: index).problem { throw EngineError.damagedIndex(problem) }
    }
  }

  /// `found` (a search of `index` for `k` among `candidates`, nil: everybody) when every score
  /// is a finite number in [-1 - ε, 1 + ε] and no candidate was dropped for a score that is not a
  /// number; else the index is damaged.
  ///
  /// A row whose score is NaN never enters the top k, so fewer than `k` results are checked:
  /// the missing candidates' stored vectors must be unit vectors, and without candidates (fewer
  /// results than indexed users) the file is checksummed. A short result explained otherwise (a
  /// user removed meanwhile) is not damage.
  func checkedResults(
    _ found: [Neighbor], k: Int, candidates: [String]?, excluding: Set<String>, in index: VectorIndex
  ) throws -> [Neighbor] {
    for neighbor in found where !(abs(neighbor.score) <= 1 + Self.scoreTolerance) {
      throw indexHealth.damaged("user '\(neighbor.id)' has similarity \(neighbor.score), outside [-1, 1]", in: index)
    }
    guard found.count < k else { return found }
    if let candidates {
      let returned = Set(found.map(\.id))
      for id in Set(candidates) where !returned.contains(id) && !excluding.contains(id) {
        if let stored = index.vector(for: id) { _ = try checkedStoredVector(stored, of: id, in: index) }
      }
    } else if found.count < index.count - excluding.filter(index.contains).count, index.info().path != nil,
      let problem = verifyIndexFile(for: index).problem
    {
      throw EngineError.damagedIndex(problem)
    }
    return found
  }

  /// `vector` (a stored, L2-normalised user vector of `index`) when its length is 1 ± ε; else the
  /// index is damaged.
  func checkedStoredVector(_ vector: [Float], of user: String, in index: VectorIndex) throws -> [Float] {
    try requireIntactIndex(index)
    var sum: Double = 0
    for x in vector { sum += Double(x) * Double(x) }
    guard abs(sum.squareRoot() - 1) <= Double(Self.scoreTolerance) else {
      throw indexHealth.damaged("the vector of user '\(user)' has length \(sum.squareRoot()), not 1", in: index)
    }
    return vector
  }

  /// Before the loaded index is saved over its own file, that file is checksummed: saving would
  /// give damaged vectors a valid checksum. An index built in memory (a rebuild) is always saved.
  func requireSavable(_ index: VectorIndex, replacing current: VectorIndex) throws {
    guard index === current, index.info().path != nil, FileManager.default.fileExists(atPath: indexPath) else {
      return
    }
    if case .unchecked = indexHealth.current(for: index) { verifyIndexFile(for: index) }
    if case .damaged(let reason) = indexHealth.current(for: index) { throw EngineError.damagedIndex(reason) }
  }
}

// Building the user index from stored review vectors or from a vector file.
import DRPIndex
import DRPStore
import Foundation

extension Engine {
  /// Rebuilds the user index from the stored review vectors of the configured embedder (no
  /// embedding), and saves it atomically (on the engine's writer; blocks the calling thread).
  /// - Throws: ``EngineError/unavailable`` when nothing has been embedded with that embedder.
  public func rebuildIndex() throws -> IndexBuildReport {
    let start = Date()
    let embedder = try configuredEmbedder()
    return try writer.runSync {
      let users = try store.usersWithVectors(embedder: embedder.name)
      guard !users.isEmpty else {
        throw EngineError(.unavailable, "no review vectors of \(embedder.name) are stored: run `drp embed` first")
      }
      let built = VectorIndex(dimension: embedder.dimension)
      built.reserveCapacity(users.count)
      var skipped = 0
      for user in users {
        let vector = userVector(try store.reviewVectors(ofUser: user, embedder: embedder.name))
        if vector.allSatisfy({ $0 == 0 }) {
          skipped += 1
        } else {
          try built.upsert(id: user, vector: vector)
        }
      }
      try install(built, meta: IndexMeta(embedder: embedder.name, dimension: embedder.dimension, stale: false))
      return IndexBuildReport(
        source: embedder.name, count: built.count, dimension: embedder.dimension, skipped: skipped,
        seconds: Date().timeIntervalSince(start))
    }
  }

  /// Replaces the user index with vectors read from a file (`.fvecs`, `.bvecs`, `.npy` or `.jsonl`;
  /// see `VectorFileReader`), e.g. user vectors computed elsewhere. Rows without ids are named by
  /// their row number ("0", "1", …).
  /// - Parameters:
  ///   - path: the vector file.
  ///   - idsPath: one id per line for fvecs/bvecs/npy rows.
  /// - Throws: ``EngineError/invalidArgument`` for an unreadable or inconsistent file.
  public func buildIndex(vectorsAt path: String, idsPath: String? = nil) throws -> IndexBuildReport {
    let start = Date()
    let file: VectorFile
    do {
      file = try VectorFileReader.read(path: path, idsPath: idsPath)
    } catch {
      throw EngineError(.invalidArgument, "\(error)")
    }
    let dimension = file.dimension
    let built = VectorIndex(dimension: dimension)
    built.reserveCapacity(file.count)
    for row in 0..<file.count {
      do {
        try built.upsert(id: file.id(row), vector: file.vector(row))
      } catch {
        throw EngineError(.invalidArgument, "\(path): row \(row): \(error)")
      }
    }
    let source = "file:" + (path as NSString).lastPathComponent
    try writer.runSync { try install(built, meta: IndexMeta(embedder: source, dimension: dimension, stale: false)) }
    return IndexBuildReport(
      source: source, count: built.count, dimension: dimension, skipped: 0, seconds: Date().timeIntervalSince(start))
  }

  /// Checksums the whole index file (header, ids and vectors).
  /// - Throws: ``EngineError`` when the file is missing or corrupt.
  public func verifyIndex() throws {
    guard FileManager.default.fileExists(atPath: indexPath) else {
      throw EngineError(.notFound, "there is no index file at \(indexPath): run `drp embed` first")
    }
    do {
      try VectorIndex.verify(path: indexPath)
    } catch {
      throw EngineError(
        .unavailable, "\(error). Recreate it with `drp embed --rebuild` or `drp index build`")
    }
  }
}

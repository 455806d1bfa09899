// The engine's immutable snapshot: the user index, its metadata and the embedder.
import DRPIndex
import DRPPeers
import DRPStore
import Foundation

/// What an operation reads from the engine, taken once at its start (``Engine/snapshot()``):
/// the user index, the metadata of the index file and the embedder ready to embed new reviews.
/// A snapshot is never changed; the engine's writer installs new ones. (The index itself is
/// updated in place by the writer — `VectorIndex` serialises its own readers and writer — so an
/// operation sees a review added while it runs, or not, but never a half-written vector.)
struct EngineState: Sendable {
  /// The user-vector index.
  var index: VectorIndex
  /// What built the index file (nil before the first build).
  var meta: IndexMeta?
  /// The configured embedder, once built (it needs the stored IDF fit for `builtin`).
  var embedder: (any Embedder)?
  /// The index file as loaded or last saved by this process (nil: no file).
  var file: FileIdentity?
}

/// Identifies one version of a file: another process replacing it (an atomic rename) changes it.
struct FileIdentity: Equatable, Sendable {
  var device: UInt64
  var inode: UInt64
  var size: Int64
  var modified: Int64

  /// The identity of the file at `path`, or nil when it does not exist.
  init?(path: String) {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
    size = Int64(info.st_size)
    modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
  }
}

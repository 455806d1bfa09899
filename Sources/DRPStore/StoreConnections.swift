// The store's SQLite connections: one writer, a pool of readers.
import Foundation
import Synchronization

/// The connections of one database file, shared by every thread of a process.
///
/// In WAL mode readers never wait for a writer, and a writer (this process's or another's) never
/// waits for readers. So reads get their own connections, taken from a pool (a new one is opened
/// when all are busy; at most ``maxIdleReaders`` are kept), and all writes go through the single
/// writer connection, one thread at a time. A slow write — a transaction waiting up to
/// `busy_timeout` for another process's import to commit — therefore never delays a read.
///
/// The writer's lock is recursive so that a write transaction may call other writes; a read
/// issued by the thread that holds an open write transaction runs on the writer connection, so it
/// sees that transaction's own changes.
final class StoreConnections: @unchecked Sendable {  // connections are guarded by writerLock / readersLock
  /// Reader connections kept open when idle.
  static let maxIdleReaders = 8

  private let path: String
  private let busyTimeoutMs: Int
  private let writer: SQLiteConnection
  private let writerLock = NSRecursiveLock()
  private let writerOwner = Mutex<pthread_t?>(nil)
  private let readersLock = NSLock()
  private var idleReaders: [SQLiteConnection] = []

  /// Opens the writer connection with `setup` (pragmas, migrations) run on it.
  init(path: String, busyTimeoutMs: Int, setup: (SQLiteConnection) throws -> Void) throws {
    self.path = path
    self.busyTimeoutMs = busyTimeoutMs
    writer = try SQLiteConnection(path: path, busyTimeoutMs: busyTimeoutMs)
    try Self.configure(writer, reader: false)
    try setup(writer)
  }

  /// Page cache of the writer (KiB, negative as SQLite wants it) and of each reader.
  private static let writerCacheKiB = -65536
  private static let readerCacheKiB = -16384

  private static func configure(_ db: SQLiteConnection, reader: Bool) throws {
    try db.execute(
      """
      PRAGMA journal_mode=WAL;
      PRAGMA synchronous=NORMAL;
      PRAGMA foreign_keys=ON;
      PRAGMA cache_size=\(reader ? readerCacheKiB : writerCacheKiB);
      PRAGMA temp_store=MEMORY;
      PRAGMA mmap_size=268435456;
      """ + (reader ? "PRAGMA query_only=ON;" : ""))
  }

  /// Runs `body` on a reader connection (or on the writer, inside this thread's write transaction).
  func read<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    if holdsWriter { return try writerLock.withLock { try body(writer) } }
    let reader = try readersLock.withLock { idleReaders.popLast() } ?? openReader()
    defer {
      readersLock.withLock {
        if idleReaders.count < Self.maxIdleReaders { idleReaders.append(reader) }
      }
    }
    return try body(reader)
  }

  /// Runs `body` with exclusive use of the writer connection (no transaction is opened).
  func write<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
    try writerLock.withLock {
      let outer = writerOwner.withLock { owner -> Bool in
        defer { owner = pthread_self() }
        return owner == nil
      }
      defer { if outer { writerOwner.withLock { $0 = nil } } }
      return try body(writer)
    }
  }

  /// Whether the calling thread is inside ``write(_:)``.
  private var holdsWriter: Bool {
    writerOwner.withLock { owner in owner.map { pthread_equal($0, pthread_self()) != 0 } ?? false }
  }

  private func openReader() throws -> SQLiteConnection {
    let reader = try SQLiteConnection(path: path, busyTimeoutMs: busyTimeoutMs)
    try Self.configure(reader, reader: true)
    return reader
  }
}

import Foundation

/// A pthread readers-writer lock: many concurrent searches, one writer.
final class ReadWriteLock: @unchecked Sendable {
  private let handle: UnsafeMutablePointer<pthread_rwlock_t>

  init() {
    handle = .allocate(capacity: 1)
    pthread_rwlock_init(handle, nil)
  }

  deinit {
    pthread_rwlock_destroy(handle)
    handle.deallocate()
  }

  /// Runs `body` holding the shared (read) lock.
  func read<T>(_ body: () throws -> T) rethrows -> T {
    pthread_rwlock_rdlock(handle)
    defer { pthread_rwlock_unlock(handle) }
    return try body()
  }

  /// Runs `body` holding the exclusive (write) lock.
  func write<T>(_ body: () throws -> T) rethrows -> T {
    pthread_rwlock_wrlock(handle)
    defer { pthread_rwlock_unlock(handle) }
    return try body()
  }
}

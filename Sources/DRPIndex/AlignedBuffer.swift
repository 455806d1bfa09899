import Foundation

/// A 64-byte-aligned block of memory, either owned (heap) or a window into a private file mapping.
/// Mapped windows are writable copy-on-write (MAP_PRIVATE), so rows loaded from a file can be
/// updated in place without touching the file.
final class AlignedBuffer: @unchecked Sendable {
  /// Start of the memory (64-byte aligned).
  let base: UnsafeMutableRawPointer
  /// Usable bytes.
  let byteCount: Int
  private let mapping: MappedFile?

  /// Buffers from this size on are backed by transparent huge pages (2 MiB) where the kernel
  /// offers them (`MADV_HUGEPAGE`): a scan then misses the TLB once per 2 MiB instead of once per
  /// 4 KiB page.
  static let hugePageThreshold = 32 << 20

  /// Allocates `byteCount` zeroed bytes.
  init(byteCount: Int) {
    var pointer: UnsafeMutableRawPointer?
    let size = max(byteCount, 64)
    let huge = size >= Self.hugePageThreshold
    guard posix_memalign(&pointer, huge ? 2 << 20 : 64, size) == 0, let pointer else {
      fatalError("out of memory allocating \(size) bytes for the vector index")
    }
    // MADV_HUGEPAGE = 14 (before the pages are first touched by memset).
    if huge { _ = madvise(pointer, size, 14) }
    memset(pointer, 0, size)
    base = pointer
    self.byteCount = byteCount
    mapping = nil
  }

  /// A window of `byteCount` bytes at `offset` (64-byte aligned) inside `mapping`.
  init(mapping: MappedFile, offset: Int, byteCount: Int) {
    base = mapping.base + offset
    self.byteCount = byteCount
    self.mapping = mapping
  }

  deinit {
    if mapping == nil { free(base) }
  }

  /// Whether the memory is a window into a file mapping.
  var isMapped: Bool { mapping != nil }

  /// Maps the window's pages in ahead of use (`MappedFile.populate`); owned memory is resident
  /// already, so `completion(true)` is called at once.
  func populate(completion: (@Sendable (Bool) -> Void)?) {
    guard let mapping else {
      completion?(true)
      return
    }
    mapping.populate(offset: base - mapping.base, count: byteCount, completion: completion)
  }

  /// A new owned buffer of `newByteCount` bytes holding a copy of the first `used` bytes.
  func resized(to newByteCount: Int, copying used: Int) -> AlignedBuffer {
    let buffer = AlignedBuffer(byteCount: newByteCount)
    memcpy(buffer.base, base, min(used, newByteCount))
    return buffer
  }
}

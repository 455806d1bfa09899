import Foundation

/// A whole file mapped privately (copy-on-write) into memory; unmapped when released.
final class MappedFile: @unchecked Sendable {
  /// Start of the mapping.
  let base: UnsafeMutableRawPointer
  /// File size in bytes.
  let size: Int

  /// Maps the file at `path`. Throws `IndexError.io` when it cannot be opened or mapped.
  init(path: String) throws {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw IndexError.io(path: path, operation: "open", errno: errno) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw IndexError.io(path: path, operation: "stat", errno: errno) }
    size = Int(st.st_size)
    guard size > 0 else {
      throw IndexError.truncatedFile(path: path, expectedBytes: IndexFile.headerSize, actualBytes: 0)
    }
    let pointer = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
    guard let pointer, pointer != MAP_FAILED else { throw IndexError.io(path: path, operation: "mmap", errno: errno) }
    base = pointer
  }

  deinit { munmap(base, size) }

  /// Maps every page of `count` bytes at `offset` into the page table now (`MADV_POPULATE_READ`,
  /// Linux 5.14+), on a background thread that keeps the file mapped until it is done, so later
  /// scans take no page faults; then calls `completion(true)` (`false` when the kernel refused).
  func populate(offset: Int, count: Int, completion: (@Sendable (Bool) -> Void)?) {
    let page = 4096
    let start = offset / page * page
    let length = count + offset - start
    let thread = Thread { [self] in
      // MADV_POPULATE_READ = 22 (not exported by Glibc's Swift module); 64 MiB per call.
      var done = 0
      var ok = true
      while done < length && ok {
        let chunk = min(64 << 20, length - done)
        ok = madvise(base + start + done, chunk, 22) == 0
        done += chunk
      }
      completion?(ok)
    }
    thread.name = "drp-index-prefault"
    thread.start()
  }

  /// Hints the kernel to read `count` bytes at `offset` ahead (asynchronously).
  func willNeed(offset: Int, count: Int) {
    let page = 4096
    let start = offset / page * page
    _ = madvise(base + start, count + offset - start, MADV_WILLNEED)
  }
}

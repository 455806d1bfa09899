// Splits a byte stream into `\n`-terminated lines with a length limit.

/// Accumulates received bytes and yields complete lines. A line longer than `maxLineBytes` is
/// reported once as `.tooLong` and the rest of it (up to its `\n`) is discarded without buffering,
/// so memory stays bounded by the limit. A trailing `\r` is stripped; empty lines are skipped.
public struct LineFramer: Sendable {
  /// What the framer produced.
  public enum Event: Sendable, Equatable {
    /// One complete line without its terminator.
    case line([UInt8])
    /// A line exceeded the limit; it is being discarded.
    case tooLong
  }

  /// The maximum accepted line length in bytes (without the terminator).
  public let maxLineBytes: Int
  private var buffer: [UInt8] = []
  private var start = 0
  private var scanned = 0
  private var discarding = false

  /// Creates a framer.
  public init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

  /// Bytes held waiting for a line terminator.
  public var bufferedBytes: Int { buffer.count - start }

  /// Adds received bytes.
  public mutating func append(_ bytes: UnsafeRawBufferPointer) {
    if discarding {
      // Keep only what follows the end of the oversized line, if it ended here.
      guard let newline = bytes.firstIndex(of: 0x0A) else { return }
      discarding = false
      buffer.append(contentsOf: bytes[(newline + 1)...])
      return
    }
    buffer.append(contentsOf: bytes)
  }

  /// The next event, or nil when more bytes are needed.
  public mutating func next() -> Event? {
    while true {
      guard let newline = buffer[scanned...].firstIndex(of: 0x0A) else {
        scanned = buffer.count
        // One extra byte may be the `\r` of a `\r\n` terminator still to come.
        if buffer.count - start > maxLineBytes + 1 {
          discarding = true
          reset()
          return .tooLong
        }
        compact()
        return nil
      }
      var end = newline
      if end > start, buffer[end - 1] == 0x0D { end -= 1 }
      let lineStart = start
      start = newline + 1
      scanned = start
      if end - lineStart > maxLineBytes { return .tooLong }
      if end == lineStart { continue }
      return .line(Array(buffer[lineStart..<end]))
    }
  }

  private mutating func reset() {
    buffer.removeAll(keepingCapacity: false)
    start = 0
    scanned = 0
  }

  private mutating func compact() {
    guard start > 0 else { return }
    if start == buffer.count {
      buffer.removeAll(keepingCapacity: buffer.capacity <= 65536)
    } else {
      buffer.removeSubrange(0..<start)
    }
    scanned -= start
    start = 0
  }
}

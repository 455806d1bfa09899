// Streaming line reader for plain or gzip-compressed files.
import CZlib
import Foundation

/// A file that cannot be opened or read.
public struct ImportFileError: Error, CustomStringConvertible {
  /// What went wrong, for the user (the file is named once).
  public let description: String
}

/// Reads a file line by line in constant memory (a 1 MiB buffer plus the longest line; the
/// buffer size can be chosen for tests).
/// A file starting with the gzip magic bytes is decompressed on the fly with zlib's `inflate`,
/// member after member (concatenated gzip files are one stream); bytes after the last member that
/// are not gzip data are skipped and counted in `trailingBytes`. Any other file is read as is.
/// Not thread-safe: one thread reads it at a time (during an import, the parser thread).
final class LineReader: @unchecked Sendable {  // @unchecked: used by one thread at a time, handed over once
  /// One line: its bytes without the newline, its 1-based number, and whether a newline ended it.
  struct Line {
    var bytes: UnsafeBufferPointer<UInt8>
    var number: Int
    var terminated: Bool
  }

  let path: String
  /// Bytes after the end of the last gzip member that are not gzip data (known at end of file).
  private(set) var trailingBytes = 0
  private let fd: Int32
  private var buffer: [UInt8]
  private var start = 0
  private var end = 0
  private var eof = false
  private var lineNumber = 0
  /// Bytes read (or decompressed) at a time; the buffer holds at least twice as many.
  private let chunk: Int

  /// Whether the file is gzip (decompressed) rather than plain.
  private var isGzip = false
  /// The decompressor while gzip data remains, then nil.
  private var stream: UnsafeMutablePointer<z_stream>?
  /// Compressed input: `raw[rawStart...]` has not been consumed by zlib yet.
  private var raw: [UInt8] = []
  private var rawStart = 0
  private var rawEOF = false
  private var rawPending: Int { raw.count - rawStart }

  /// Opens `path`, reading `chunk` bytes at a time (default 1 MiB).
  /// - Throws: `ImportFileError` when the file is missing or unreadable, or is not valid gzip
  ///   although it starts like gzip.
  init(path: String, chunk: Int = 1 << 20) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ImportFileError(description: "no such file: \(path)")
    }
    guard !isDirectory.boolValue else { throw ImportFileError(description: "\(path) is a directory, not a file") }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw ImportFileError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
    }
    self.path = path
    self.fd = fd
    self.chunk = max(16, chunk)
    buffer = [UInt8](repeating: 0, count: self.chunk)
    let first = try readRaw(into: &buffer, at: 0, count: self.chunk)
    if first >= 2 && buffer[0] == 0x1F && buffer[1] == 0x8B {
      raw = Array(buffer[0..<first])
      isGzip = true
      try startInflating()
    } else {
      end = first
      eof = first == 0
    }
  }

  deinit {
    if let stream {
      inflateEnd(stream)
      stream.deallocate()
    }
    close(fd)
  }

  /// Calls `body` with the next line (valid only during the call); returns nil at end of file.
  /// - Throws: `ImportFileError` on a read or decompression error.
  func next<T>(_ body: (Line) throws -> T) throws -> T? {
    while true {
      if let newline = buffer[start..<end].firstIndex(of: 0x0A) {
        var lineEnd = newline
        if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        lineNumber += 1
        let lineStart = start
        start = newline + 1
        return try buffer.withUnsafeBufferPointer {
          try body(
            Line(bytes: UnsafeBufferPointer(rebasing: $0[lineStart..<lineEnd]), number: lineNumber, terminated: true))
        }
      }
      if eof {
        guard start < end else { return nil }
        lineNumber += 1
        let (lineStart, lineEnd) = (start, end)
        start = end
        return try buffer.withUnsafeBufferPointer {
          try body(
            Line(bytes: UnsafeBufferPointer(rebasing: $0[lineStart..<lineEnd]), number: lineNumber, terminated: false))
        }
      }
      try fill()
    }
  }

  /// Moves the unread bytes to the front, grows the buffer when needed, and reads more.
  private func fill() throws {
    if start > 0 {
      buffer.withUnsafeMutableBufferPointer { buf in
        let count = end - start
        if count > 0 { memmove(buf.baseAddress!, buf.baseAddress! + start, count) }
      }
      end -= start
      start = 0
    }
    if buffer.count - end < chunk / 2 { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
    let read = isGzip ? try inflateMore() : try readRaw(into: &buffer, at: end, count: buffer.count - end)
    if read == 0 { eof = true }
    end += read
  }

  /// `read(2)` into `target[offset...]`; 0 at end of file.
  private func readRaw(into target: inout [UInt8], at offset: Int, count: Int) throws -> Int {
    while true {
      let read = target.withUnsafeMutableBufferPointer { Foundation.read(fd, $0.baseAddress! + offset, count) }
      if read >= 0 { return read }
      if errno != EINTR {
        throw ImportFileError(description: "cannot read \(path): \(String(cString: strerror(errno)))")
      }
    }
  }

  // MARK: gzip

  private func startInflating() throws {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    // 15 + 16: a 32 KiB window, gzip header and trailer expected.
    guard inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      stream.deallocate()
      throw ImportFileError(description: "\(path): cannot start decompressing (zlib)")
    }
    self.stream = stream
  }

  /// Decompresses into `buffer[end...]`; returns the bytes produced (0 at the end of the data).
  private func inflateMore() throws -> Int {
    guard let stream else { return 0 }
    let capacity = buffer.count - end
    while true {
      if rawPending == 0 && !rawEOF { try refillRaw() }
      let status = raw.withUnsafeMutableBufferPointer { input in
        buffer.withUnsafeMutableBufferPointer { output in
          stream.pointee.next_in = input.baseAddress.map { $0 + rawStart }
          stream.pointee.avail_in = UInt32(input.count - rawStart)
          stream.pointee.next_out = output.baseAddress! + end
          stream.pointee.avail_out = UInt32(capacity)
          return inflate(stream, Z_NO_FLUSH)
        }
      }
      let produced = capacity - Int(stream.pointee.avail_out)
      rawStart = raw.count - Int(stream.pointee.avail_in)
      switch status {
      case Z_STREAM_END:
        try afterMember()
        if produced > 0 || self.stream == nil { return produced }
      case Z_OK, Z_BUF_ERROR:
        if produced > 0 { return produced }
        if rawPending == 0 && rawEOF {
          throw ImportFileError(description: "\(path): compressed data is truncated (the gzip stream ends early)")
        }
      default:
        let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
        throw ImportFileError(description: "\(path): compressed data is corrupt (\(reason))")
      }
    }
  }

  /// After a gzip member: another member follows (decompression goes on), or the data ends
  /// (anything left that is not gzip is counted in `trailingBytes`).
  private func afterMember() throws {
    while rawPending < 2 && !rawEOF { try refillRaw() }
    if rawPending >= 2 && raw[rawStart] == 0x1F && raw[rawStart + 1] == 0x8B {
      inflateReset(stream)
      return
    }
    trailingBytes = rawPending
    while !rawEOF {
      raw = []
      rawStart = 0
      try refillRaw()
      trailingBytes += rawPending
    }
    raw = []
    rawStart = 0
    if let stream {
      inflateEnd(stream)
      stream.deallocate()
    }
    stream = nil
  }

  /// Appends the next compressed chunk to the unconsumed input (sets `rawEOF` at end of file).
  private func refillRaw() throws {
    raw.removeSubrange(0..<rawStart)
    rawStart = 0
    let kept = raw.count
    raw.append(contentsOf: repeatElement(0, count: chunk))
    let read = try readRaw(into: &raw, at: kept, count: chunk)
    raw.removeSubrange((kept + read)...)
    if read == 0 { rawEOF = true }
  }
}

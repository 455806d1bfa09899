// Streaming line reader for plain or gzip-compressed files (zlib reads both transparently).
import CZlib
import Foundation

/// A file that cannot be opened or read.
public struct ImportFileError: Error, CustomStringConvertible {
  /// What went wrong, for the user.
  public let description: String
}

/// Reads a file line by line in constant memory (a 1 MiB buffer plus the longest line).
/// Gzip input (`.gz`) is decompressed on the fly. Not thread-safe: one thread reads it at a time
/// (during an import, the parser thread).
final class LineReader: @unchecked Sendable {
  /// One line: its bytes without the newline, its 1-based number, and whether a newline ended it.
  struct Line {
    var bytes: UnsafeBufferPointer<UInt8>
    var number: Int
    var terminated: Bool
  }

  let path: String
  private let file: gzFile
  private var buffer: [UInt8]
  private var start = 0
  private var end = 0
  private var eof = false
  private var lineNumber = 0
  private static let chunk = 1 << 20

  /// Opens `path`.
  /// - Throws: `ImportFileError` when the file is missing or unreadable.
  init(path: String) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ImportFileError(description: "no such file: \(path)")
    }
    guard !isDirectory.boolValue else { throw ImportFileError(description: "\(path) is a directory, not a file") }
    guard let file = gzopen(path, "rb") else { throw ImportFileError(description: "cannot open \(path)") }
    gzbuffer(file, UInt32(Self.chunk))
    self.path = path
    self.file = file
    buffer = [UInt8](repeating: 0, count: Self.chunk)
  }

  deinit { gzclose(file) }

  /// Calls `body` with the next line (valid only during the call); returns false at end of file.
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

  private func fill() throws {
    if start > 0 {
      buffer.withUnsafeMutableBufferPointer { buf in
        let count = end - start
        if count > 0 { memmove(buf.baseAddress!, buf.baseAddress! + start, count) }
      }
      end -= start
      start = 0
    }
    if buffer.count - end < Self.chunk / 2 { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
    let capacity = buffer.count - end
    let read = buffer.withUnsafeMutableBufferPointer { buf in
      gzread(file, buf.baseAddress! + end, UInt32(capacity))
    }
    if read < 0 {
      var code: Int32 = 0
      let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
      throw ImportFileError(description: "\(path): \(message)")
    }
    if read == 0 {
      eof = true
      var code: Int32 = 0
      _ = gzerror(file, &code)
      if code != Z_OK && code != Z_STREAM_END {
        throw ImportFileError(description: "\(path): compressed data is truncated or corrupt")
      }
    }
    end += Int(read)
  }
}

import Foundation

/// Incremental parser of a `text/event-stream` body: bytes in, the `data` of each complete event
/// out. Lines end in LF or CRLF; an event ends at a blank line; multi-line data is joined with
/// LF; comments (`:`) and other fields (`event`, `id`, `retry`) are ignored.
///
/// Linear time: a scan offset remembers how far the unfinished line has been searched for its
/// newline, so every byte is looked at once however the body is split into chunks. Bounded
/// memory: a line, and the data of one event, may hold at most `maxLineBytes` bytes; more is a
/// `Failure` (a server streaming megabytes without a newline is broken or hostile).
package struct SSEParser {
  /// Why the stream cannot be parsed.
  package enum Failure: Error, Equatable {
    /// A line (without its newline) is longer than the limit.
    case lineTooLong(limit: Int)
    /// The data lines of one event add up to more than the limit.
    case eventTooLarge(limit: Int)
  }

  /// The longest line, and the most data of one event, in bytes.
  package let maxLineBytes: Int
  private var buffer: [UInt8] = []
  /// Where the unfinished line starts in `buffer`.
  private var lineStart = 0
  /// `buffer[lineStart..<scanned]` holds no newline.
  private var scanned = 0
  private var dataLines: [String] = []
  private var eventBytes = 0

  /// A parser whose lines and events may hold at most `maxLineBytes` bytes (default 1 MiB).
  package init(maxLineBytes: Int = 1 << 20) { self.maxLineBytes = max(1, maxLineBytes) }

  /// Consumes a chunk and returns the data of every event it completes.
  /// - Throws: `Failure` when a line or an event exceeds `maxLineBytes`.
  package mutating func feed(_ chunk: some Collection<UInt8>) throws(Failure) -> [String] {
    buffer.append(contentsOf: chunk)
    var events: [String] = []
    while let newline = buffer[scanned...].firstIndex(of: 0x0A) {
      var end = newline
      if end > lineStart && buffer[end - 1] == 0x0D { end -= 1 }
      let start = lineStart
      lineStart = newline + 1
      scanned = lineStart
      if let event = try consume(start..<end) { events.append(event) }
    }
    scanned = buffer.count
    // A trailing CR may be the first half of a CRLF whose LF is in the next chunk: it is not part
    // of the line, so a line of exactly the limit passes however the stream is split.
    let pending = buffer.count - lineStart - (buffer.last == 0x0D ? 1 : 0)
    if pending > maxLineBytes { throw .lineTooLong(limit: maxLineBytes) }
    compact()
    return events
  }

  /// Ends the stream: returns the last event if the body did not end with a blank line.
  /// - Throws: `Failure` when the unterminated last line overflows the event limit.
  package mutating func finish() throws(Failure) -> String? {
    if lineStart < buffer.count {
      var end = buffer.count
      if buffer[end - 1] == 0x0D { end -= 1 }
      let start = lineStart
      lineStart = buffer.count
      scanned = lineStart
      _ = try consume(start..<end)
    }
    buffer = []
    lineStart = 0
    scanned = 0
    return try consume(0..<0)
  }

  /// Drops consumed bytes: at once when everything is consumed, else when they are at least
  /// half the buffer (so each byte is moved at most a constant number of times).
  private mutating func compact() {
    if lineStart == buffer.count {
      buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
    } else if lineStart >= 1 << 12 && lineStart * 2 >= buffer.count {
      buffer.removeSubrange(0..<lineStart)
    } else {
      return
    }
    scanned -= lineStart
    lineStart = 0
  }

  /// Handles the line `buffer[range]`; returns an event's data at a blank line.
  private mutating func consume(_ range: Range<Int>) throws(Failure) -> String? {
    if range.count > maxLineBytes { throw .lineTooLong(limit: maxLineBytes) }
    if range.isEmpty {
      defer {
        dataLines = []
        eventBytes = 0
      }
      return dataLines.isEmpty ? nil : dataLines.joined(separator: "\n")
    }
    let line = buffer[range]
    guard line.starts(with: Self.dataField) else { return nil }
    var value = line.dropFirst(Self.dataField.count)
    if value.first == 0x20 { value = value.dropFirst() }
    eventBytes += value.count + 1
    if eventBytes > maxLineBytes + 1 { throw .eventTooLarge(limit: maxLineBytes) }
    dataLines.append(String(decoding: value, as: UTF8.self))
    return nil
  }

  private static let dataField = Array("data:".utf8)
}

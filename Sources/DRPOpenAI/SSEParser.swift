import Foundation

/// Incremental parser of a `text/event-stream` body: bytes in, the `data` of each complete event
/// out. Lines end in LF or CRLF; an event ends at a blank line; multi-line data is joined with
/// LF; comments (`:`) and other fields (`event`, `id`, `retry`) are ignored.
struct SSEParser {
  private var buffer = Data()
  private var dataLines: [String] = []

  /// Consumes a chunk and returns the data of every event it completes.
  mutating func feed(_ chunk: Data) -> [String] {
    buffer.append(chunk)
    var events: [String] = []
    while let newline = buffer.firstIndex(of: 0x0A) {
      var line = buffer[buffer.startIndex..<newline]
      if line.last == 0x0D { line = line.dropLast() }
      buffer = Data(buffer[(newline + 1)...])
      if let event = consume(String(decoding: line, as: UTF8.self)) { events.append(event) }
    }
    return events
  }

  /// Ends the stream: returns the last event if the body did not end with a blank line.
  mutating func finish() -> String? {
    if !buffer.isEmpty {
      let line = String(decoding: buffer, as: UTF8.self)
      buffer = Data()
      _ = consume(line.hasSuffix("\r") ? String(line.dropLast()) : line)
    }
    return consume("")
  }

  private mutating func consume(_ line: String) -> String? {
    if line.isEmpty {
      defer { dataLines = [] }
      return dataLines.isEmpty ? nil : dataLines.joined(separator: "\n")
    }
    guard line.hasPrefix("data:") else { return nil }
    var value = line.dropFirst(5)
    if value.first == " " { value = value.dropFirst() }
    dataLines.append(String(value))
    return nil
  }
}

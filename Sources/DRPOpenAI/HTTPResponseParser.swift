import Foundation

/// Incremental parser of one HTTP/1.1 response: bytes in as they arrive, decoded body bytes out.
///
/// Reads the status line and headers (names case-insensitive, at most `maxHeaderBytes`), then the
/// body framed by `Transfer-Encoding: chunked`, `Content-Length`, or the end of the connection.
/// Interim `1xx` responses are skipped. Lines may end in CRLF or LF.
package struct HTTPResponseParser {
  /// The status and headers of the response.
  package struct Head: Equatable {
    /// The status code, e.g. 200.
    package var status: Int
    /// Header values keyed by lowercased name; repeated headers are joined with ", ".
    package var headers: [String: String]
  }

  /// Why a response could not be parsed.
  package enum Failure: Error, Equatable, CustomStringConvertible {
    /// The status line and headers exceed the limit.
    case headerTooLarge(limit: Int)
    /// The first line is not `HTTP/1.x NNN reason`.
    case badStatusLine(String)
    /// A header line has no colon.
    case badHeaderLine(String)
    /// `Content-Length` is not a non-negative integer.
    case badContentLength(String)
    /// A chunk-size line is not hexadecimal, or a chunk is not followed by CRLF.
    case badChunk(String)
    /// The connection ended before the response was complete.
    case endedEarly(String)

    package var description: String {
      switch self {
      case .headerTooLarge(let limit): return "the response headers exceed \(limit) bytes"
      case .badStatusLine(let line): return "not an HTTP status line: '\(line.prefix(100))'"
      case .badHeaderLine(let line): return "malformed header line: '\(line.prefix(100))'"
      case .badContentLength(let value): return "invalid Content-Length '\(value.prefix(40))'"
      case .badChunk(let detail): return "malformed chunked body: \(detail)"
      case .endedEarly(let detail): return "the connection closed before the response was complete (\(detail))"
      }
    }
  }

  private enum State {
    case head
    case fixed(remaining: Int)
    case chunkSize
    case chunkData(remaining: Int)
    case chunkEnd
    case trailers
    case untilClose
    case done
  }

  /// The largest status line plus headers accepted.
  package let maxHeaderBytes: Int
  /// The final (non-1xx) status and headers, once received.
  package private(set) var head: Head?
  private var state = State.head
  private var pending: [UInt8] = []
  private var headLines: [String] = []
  private var headBytes = 0
  private var persistent = false
  private var trailing = false

  /// Creates a parser; `maxHeaderBytes` bounds the status line and headers together.
  package init(maxHeaderBytes: Int = 64 * 1024) { self.maxHeaderBytes = maxHeaderBytes }

  /// Whether the whole body has been received (never true for a body that runs until close).
  package var isComplete: Bool {
    if case .done = state { return true }
    return false
  }

  /// Whether the connection may carry another request: the response is complete, nothing
  /// followed it, and it is HTTP/1.1 without `Connection: close` (or HTTP/1.0 with
  /// `Connection: keep-alive`).
  package var keepsConnection: Bool { isComplete && persistent && !trailing }

  /// Consumes received bytes and returns the body bytes they complete (possibly none).
  package mutating func feed(_ bytes: some Collection<UInt8>) throws(Failure) -> [UInt8] {
    pending.append(contentsOf: bytes)
    var body: [UInt8] = []
    var position = 0
    defer { pending.removeFirst(position) }
    while position < pending.count {
      switch state {
      case .head:
        guard let line = takeLine(&position) else {
          if headBytes + pending.count - position > maxHeaderBytes { throw .headerTooLarge(limit: maxHeaderBytes) }
          return body
        }
        headBytes += line.count + 1
        if headBytes > maxHeaderBytes { throw .headerTooLarge(limit: maxHeaderBytes) }
        if line.isEmpty {
          if !headLines.isEmpty { try finishHead() }
        } else {
          headLines.append(String(decoding: line, as: UTF8.self))
        }
      case .fixed(let remaining):
        let count = min(remaining, pending.count - position)
        body.append(contentsOf: pending[position..<position + count])
        position += count
        state = remaining == count ? .done : .fixed(remaining: remaining - count)
      case .chunkSize:
        guard let line = takeLine(&position, limit: 1024) else {
          if pending.count - position > 1024 { throw .badChunk("a chunk-size line is too long") }
          return body
        }
        let text = String(decoding: line, as: UTF8.self)
        let digits = text.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
        // Hex digits only (RFC 9112 §7.1): `Int(_:radix:)` alone would take a sign, and a negative size.
        guard let digits, !digits.isEmpty, digits.count <= 15, digits.allSatisfy(\.isHexDigit),
          let size = Int(digits, radix: 16)
        else {
          throw .badChunk("invalid chunk size '\(text.prefix(40))'")
        }
        state = size == 0 ? .trailers : .chunkData(remaining: size)
      case .chunkData(let remaining):
        let count = min(remaining, pending.count - position)
        body.append(contentsOf: pending[position..<position + count])
        position += count
        state = remaining == count ? .chunkEnd : .chunkData(remaining: remaining - count)
      case .chunkEnd:
        guard let line = takeLine(&position, limit: 2) else {
          if pending.count - position >= 2 { throw .badChunk("a chunk is longer than its declared size") }
          return body
        }
        guard line.isEmpty else { throw .badChunk("a chunk is longer than its declared size") }
        state = .chunkSize
      case .trailers:
        guard let line = takeLine(&position, limit: maxHeaderBytes) else {
          if pending.count - position > maxHeaderBytes { throw .headerTooLarge(limit: maxHeaderBytes) }
          return body
        }
        if line.isEmpty { state = .done }
      case .untilClose:
        body.append(contentsOf: pending[position...])
        position = pending.count
      case .done:
        trailing = true  // bytes after a complete response: ignored, and the connection is not reused
        position = pending.count
      }
    }
    return body
  }

  /// Ends the input (the peer closed the connection); throws when the response is incomplete.
  package func finish() throws(Failure) {
    switch state {
    case .done, .untilClose: return
    case .head: throw .endedEarly(head == nil && headLines.isEmpty ? "no response" : "inside the headers")
    case .fixed(let remaining): throw .endedEarly("\(remaining) bytes of the body missing")
    case .chunkSize, .chunkData, .chunkEnd, .trailers: throw .endedEarly("the chunked body was not terminated")
    }
  }

  /// Takes the line starting at `position` (without CR LF) if its LF has arrived.
  private func takeLine(_ position: inout Int, limit: Int = Int.max) -> ArraySlice<UInt8>? {
    let end = limit < pending.count - position ? position + limit + 1 : pending.count
    guard let newline = pending[position..<end].firstIndex(of: 0x0A) else { return nil }
    var line = pending[position..<newline]
    if line.last == 0x0D { line = line.dropLast() }
    position = newline + 1
    return line
  }

  private mutating func finishHead() throws(Failure) {
    let statusLine = headLines[0]
    let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]),
      (100...599).contains(status)
    else { throw .badStatusLine(statusLine) }
    var headers: [String: String] = [:]
    for line in headLines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { throw .badHeaderLine(line) }
      let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      headers[name] = headers[name].map { $0 + ", " + value } ?? value
    }
    headLines = []
    if (100..<200).contains(status) { return }  // interim response: the real one follows
    head = Head(status: status, headers: headers)
    let tokens = (headers["connection"] ?? "").lowercased().split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    persistent = parts[0] == "HTTP/1.1" ? !tokens.contains("close") : tokens.contains("keep-alive")
    if status == 204 || status == 304 {
      state = .done
    } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
      state = .chunkSize
    } else if let value = headers["content-length"] {
      // Decimal digits only (RFC 9110 §8.6): no sign, no spaces inside.
      guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(value)
      else { throw .badContentLength(value) }
      state = length == 0 ? .done : .fixed(remaining: length)
    } else {
      state = .untilClose
    }
  }
}

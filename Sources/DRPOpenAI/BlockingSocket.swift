import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A non-blocking TCP socket driven with `poll()` from a dedicated thread: every wait is bounded
/// by a deadline and wakes at least every 100 ms to honour `cancel()`, so a waiting request
/// sleeps in the kernel instead of spinning. Failures are `OpenAIError`s naming `url`.
final class BlockingSocket: Sendable {
  /// The URL reported in errors.
  let url: String
  /// Seconds reported by `OpenAIError.timeout`.
  let reportedTimeout: Double
  private let fd = Atomic<Int32>(-1)
  private let cancelled = Atomic<Bool>(false)
  private static let pollSlice = 100  // milliseconds

  /// Creates an unconnected socket whose errors name `url` and report `timeout` seconds.
  init(url: String, timeout: Double) {
    self.url = url
    self.reportedTimeout = timeout
  }

  deinit { close() }

  /// Closes the connection (the peer sees it at once); later calls do nothing.
  func close() {
    let descriptor = fd.exchange(-1, ordering: .acquiringAndReleasing)
    if descriptor >= 0 { Glibc.close(descriptor) }
  }

  /// Takes over `descriptor`, an open non-blocking connection (one kept for reuse).
  func adopt(_ descriptor: Int32) { fd.store(descriptor, ordering: .releasing) }

  /// Hands the connection over to the caller instead of closing it; nil when there is none or the
  /// exchange was cancelled (the connection is then closed).
  func detach() -> Int32? {
    if cancelled.load(ordering: .acquiring) {
      close()
      return nil
    }
    let descriptor = fd.exchange(-1, ordering: .acquiringAndReleasing)
    return descriptor >= 0 ? descriptor : nil
  }

  /// Makes every current and future wait throw `OpenAIError.cancelled` within 100 ms.
  func cancel() { cancelled.store(true, ordering: .releasing) }

  /// The current monotonic time in seconds (for deadlines).
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// Resolves `host` (IPv4, IPv6 or a name such as `localhost`) and connects to the first address
  /// that accepts, before `deadline`.
  func connect(host: String, port: UInt16, deadline: Double) throws(OpenAIError) {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    guard getaddrinfo(bare, String(port), &hints, &list) == 0, let first = list else {
      throw .connection(reason: "unknown host", url: url)
    }
    defer { freeaddrinfo(list) }
    var reason = "no usable address"
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let info = entry?.pointee {
      entry = info.ai_next
      let descriptor = socket(
        info.ai_family, info.ai_socktype | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
      guard descriptor >= 0 else { continue }
      fd.store(descriptor, ordering: .releasing)
      if Glibc.connect(descriptor, info.ai_addr, info.ai_addrlen) == 0 || errno == EINPROGRESS {
        try wait(for: Int16(POLLOUT), deadline: deadline)
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &length)
        if failure == 0 {
          var yes: Int32 = 1
          setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
          return
        }
        reason = Self.describe(failure)
      } else {
        reason = Self.describe(errno)
      }
      close()
    }
    throw .connection(reason: reason, url: url)
  }

  /// Sends every byte (`MSG_NOSIGNAL`: a closed peer is an error, not SIGPIPE).
  func send(_ bytes: [UInt8], deadline: Double) throws(OpenAIError) {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        Glibc.send(fd.load(ordering: .acquiring), $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if sent >= 0 {
        offset += sent
      } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
        try wait(for: Int16(POLLOUT), deadline: deadline)
      } else {
        throw .connection(reason: Self.describe(errno), url: url)
      }
    }
  }

  /// Waits for data and reads up to `buffer.count` bytes; returns 0 when the peer closed.
  func receive(into buffer: inout [UInt8], deadline: Double) throws(OpenAIError) -> Int {
    while true {
      try wait(for: Int16(POLLIN), deadline: deadline)
      let count = buffer.withUnsafeMutableBytes { recv(fd.load(ordering: .acquiring), $0.baseAddress, $0.count, 0) }
      if count >= 0 { return count }
      if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
        throw .connection(reason: Self.describe(errno), url: url)
      }
    }
  }

  /// Sleeps in `poll()` until the socket is ready for `events`, in slices of at most 100 ms.
  private func wait(for events: Int16, deadline: Double) throws(OpenAIError) {
    while true {
      if cancelled.load(ordering: .acquiring) { throw .cancelled }
      let remaining = deadline - Self.now()
      guard remaining > 0 else { throw .timeout(seconds: reportedTimeout, url: url) }
      var poller = pollfd(fd: fd.load(ordering: .acquiring), events: events, revents: 0)
      let slice = Int32(min(Double(Self.pollSlice), (remaining * 1000).rounded(.up)))
      let ready = poll(&poller, 1, slice)
      if ready > 0 { return }  // readable, writable, or an error/hang-up the next call reports
      if ready < 0 && errno != EINTR { throw .connection(reason: Self.describe(errno), url: url) }
    }
  }

  private static func describe(_ code: Int32) -> String {
    switch code {
    case ECONNREFUSED: return "connection refused"
    case ECONNRESET, EPIPE: return "the connection was reset by the server"
    case ENETUNREACH, EHOSTUNREACH: return "the host is unreachable"
    default: return String(cString: strerror(code))
    }
  }
}

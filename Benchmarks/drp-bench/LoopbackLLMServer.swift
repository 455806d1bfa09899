// An in-process OpenAI-compatible chat server on 127.0.0.1 with a fixed latency and no capacity limit.
import DRPCore
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Answers every `POST …/chat/completions` after exactly `latency` seconds with a reply that
/// each pipeline stage parses (dimensions, kept, summary; the generator keeps the text as the
/// review) and that quotes a digest of the request body, so different requests get different
/// answers (the prompts built from them differ too, and nothing downstream is a cache hit by
/// accident) and a run's answers do not depend on the port it got. One
/// thread per connection (threads are reused, and connections kept open between requests, so the
/// server's own CPU stays small), so any number of requests wait their latency at the same time:
/// the server is never the bottleneck, and wall time measures the client's concurrency.
final class LoopbackLLMServer: @unchecked Sendable {  // the listener is only closed by `stop()`
  /// `http://127.0.0.1:PORT/v1`.
  let baseURL: String
  private let listener: Int32
  private let latency: Double
  private let counters = Mutex<(requests: Int, inFlight: Int, peak: Int)>((0, 0, 0))
  private let connections = BlockingPool(name: "loopback-llm", threads: 8192, idleTimeout: 10)

  /// The answer to a request whose body hashes to `digest`.
  static func body(digest: UInt64) -> [UInt8] {
    let tag = String(digest, radix: 16)
    let content =
      #"{\"dimensions\":[{\"name\":\"Tone\",\"definition\":\"how warm the review sounds\",\"description\":\"warmer than the peers (\#(tag))\",\"evidence\":\"lovely\"}],\"kept\":[\"Tone\"],\"summary\":\"Writes more warmly than comparable reviewers (\#(tag)).\"}"#
    return Array(
      #"{"id":"c","object":"chat.completion","model":"loopback","choices":[{"index":0,"message":{"role":"assistant","content":"\#(content)"},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120}}"#
        .utf8)
  }

  /// Starts listening on an ephemeral port.
  init(latency: Double) throws {
    self.latency = latency
    signal(SIGPIPE, SIG_IGN)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && listen(fd, 4096) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard bound else { throw BenchUsage(message: "loopback LLM: bind failed, errno \(errno)") }
    listener = fd
    baseURL = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))/v1"
    Thread { [self] in acceptLoop() }.start()
  }

  /// Requests answered so far, and the most answered at once.
  var requests: Int { counters.withLock { $0.requests } }
  var peak: Int { counters.withLock { $0.peak } }

  /// Zeroes the counters.
  func reset() { counters.withLock { $0 = (0, $0.inFlight, $0.inFlight) } }

  /// Stops accepting.
  func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

  private func acceptLoop() {
    while true {
      let client = accept(listener, nil, nil)
      guard client >= 0 else { return }
      var one: Int32 = 1
      setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
      connections.start { [self] in answer(client) }
    }
  }

  /// Answers the requests of one connection (HTTP/1.1 keep-alive) in turn: reads a request (head
  /// and `Content-Length` body), waits the latency, answers; closes when the client does.
  private func answer(_ client: Int32) {
    defer { close(client) }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      var expected: Int?
      var bodyStart = 0
      while expected.map({ received.count < $0 }) ?? true {
        if expected == nil, let end = Self.headEnd(received) {
          bodyStart = end + 4
          let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
          let length =
            head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
          expected = bodyStart + length
          continue
        }
        let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return }
        received += buffer[0..<count]
      }
      // The body only: the head names the port, which differs from run to run.
      let digest = received[bodyStart..<expected!].reduce(0xcbf2_9ce4_8422_2325) {
        ($0 ^ UInt64($1)) &* 0x100_0000_01b3
      }
      received.removeFirst(expected!)
      counters.withLock {
        $0.requests += 1
        $0.inFlight += 1
        $0.peak = max($0.peak, $0.inFlight)
      }
      Thread.sleep(forTimeInterval: latency)
      counters.withLock { $0.inFlight -= 1 }
      let answer = Self.body(digest: digest)
      let reply =
        Array(
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(answer.count)\r\n\r\n".utf8)
        + answer
      var offset = 0
      while offset < reply.count {
        let sent = reply.withUnsafeBytes {
          send(client, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
        }
        guard sent > 0 else { return }
        offset += sent
      }
    }
  }

  private static func headEnd(_ bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for index in 0...(bytes.count - 4)
    where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
      return index
    }
    return nil
  }
}

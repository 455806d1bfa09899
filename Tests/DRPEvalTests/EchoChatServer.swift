// A loopback OpenAI-compatible chat server that records every request and echoes its prompt back.
import DRPTestSupport
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A stand-in LLM for isolation tests: `POST /v1/chat/completions` is answered with a JSON profile
/// whose dimension description, evidence and summary quote the request's last user message, so
/// anything a prompt contains also reaches profiles and generated text (a leak becomes visible
/// everywhere). Every request body is recorded. One thread accepts and answers connections one
/// at a time (`Connection: close`); reads are bounded by 5 s (`FakeHTTPServer.readRequest`).
final class EchoChatServer: Sendable {
  /// The API base URL (`http://127.0.0.1:PORT/v1`).
  let baseURL: String
  private let listener: Int32
  private let recorded = Mutex<[String]>([])
  private let stopped = Atomic<Bool>(false)

  /// Starts listening on an ephemeral 127.0.0.1 port.
  init() throws {
    signal(SIGPIPE, SIG_IGN)
    let (fd, port) = try LoopbackListener.open(backlog: 16)
    listener = fd
    baseURL = "http://127.0.0.1:\(port)/v1"
    Thread { [self] in serve() }.start()
  }

  /// Request bodies received so far, in order.
  var requests: [String] { recorded.withLock { $0 } }

  /// Stops accepting (the thread exits at its next accept).
  func stop() {
    guard !stopped.exchange(true, ordering: .relaxed) else { return }
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  deinit { stop() }

  private func serve() {
    while !stopped.load(ordering: .relaxed) {
      let connection = accept(listener, nil, nil)
      guard connection >= 0 else { return }
      if let request = FakeHTTPServer.readRequest(connection) {
        let body = String(decoding: request.body, as: UTF8.self)
        recorded.withLock { $0.append(body) }
        respond(connection, to: body)
      }
      close(connection)
    }
  }

  private func respond(_ connection: Int32, to body: String) {
    let request = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    let messages = request["messages"] as? [[String: Any]] ?? []
    let prompt = messages.last { $0["role"] as? String == "user" }?["content"] as? String ?? ""
    let profile: [String: Any] = [
      "dimensions": [
        ["name": "Echo", "definition": "what the prompt said", "description": prompt, "evidence": [prompt]]
      ],
      "summary": prompt,
    ]
    let answer = String(decoding: try! JSONSerialization.data(withJSONObject: profile), as: UTF8.self)
    let stream = request["stream"] as? Bool ?? false
    let payload: String
    let contentType: String
    if stream {
      let chunk: [String: Any] = ["choices": [["index": 0, "delta": ["content": answer], "finish_reason": NSNull()]]]
      let last: [String: Any] = [
        "choices": [["index": 0, "delta": [:] as [String: Any], "finish_reason": "stop"]],
        "usage": ["prompt_tokens": prompt.count / 4, "completion_tokens": answer.count / 4],
      ]
      payload =
        [chunk, last].map {
          "data: " + String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) + "\n\n"
        }
        .joined() + "data: [DONE]\n\n"
      contentType = "text/event-stream"
    } else {
      let reply: [String: Any] = [
        "id": "echo", "object": "chat.completion", "model": request["model"] as? String ?? "echo",
        "choices": [["index": 0, "message": ["role": "assistant", "content": answer], "finish_reason": "stop"]],
        "usage": [
          "prompt_tokens": prompt.count / 4, "completion_tokens": answer.count / 4,
          "total_tokens": (prompt.count + answer.count) / 4,
        ],
      ]
      payload = String(decoding: try! JSONSerialization.data(withJSONObject: reply), as: UTF8.self)
      contentType = "application/json"
    }
    let bytes = Data(payload.utf8)
    let head =
      "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n\r\n"
    var response = Data(head.utf8)
    response.append(bytes)
    response.withUnsafeBytes { raw in
      var sent = 0
      while sent < raw.count {
        let n = send(connection, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
        if n <= 0 { return }
        sent += n
      }
    }
  }
}

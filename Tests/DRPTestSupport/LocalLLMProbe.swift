import Foundation
import Synchronization
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// The local LLM from `TestSupport.localLLM()`, checked to answer a one-token request quickly:
/// a shared model server can be installed but saturated, and a test waiting minutes on it
/// would only measure the other users.
public enum LocalLLMProbe {
  /// The probe's verdict, computed once per test run (nil: usable).
  private static let verdict = Mutex<String??>(nil)

  /// The local LLM, or an `XCTSkip` when it is not configured or does not answer within `seconds`.
  public static func usableLLM(within seconds: TimeInterval = 15) throws -> (url: String, model: String) {
    let llm = try TestSupport.localLLM()
    let problem = verdict.withLock { verdict -> String? in
      if let known = verdict { return known }
      let found = probe(llm, within: seconds)
      verdict = .some(found)
      return found
    }
    if let problem { throw XCTSkip(problem) }
    return llm
  }

  /// Why the model is unusable, or nil when it answered.
  private static func probe(_ llm: (url: String, model: String), within seconds: TimeInterval) -> String? {
    var request = URLRequest(url: URL(string: llm.url + "/chat/completions")!, timeoutInterval: seconds)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(
      #"{"model":"\#(llm.model)","messages":[{"role":"user","content":"hi"}],"max_tokens":1}"#.utf8)
    let answered = DispatchSemaphore(value: 0)
    let status = StatusBox()
    let task = URLSession.shared.dataTask(with: request) { _, response, _ in
      status.set((response as? HTTPURLResponse)?.statusCode ?? 0)
      answered.signal()
    }
    task.resume()
    if answered.wait(timeout: .now() + seconds) == .timedOut {
      task.cancel()
      return "the local LLM at \(llm.url) did not answer a 1-token request within \(Int(seconds)) s; skipping"
    }
    guard status.get() == 200 else { return "the local LLM at \(llm.url) answered HTTP \(status.get()); skipping" }
    return nil
  }
}

/// A status code written by the URLSession callback thread.
private final class StatusBox: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  func set(_ code: Int) { lock.withLock { value = code } }
  func get() -> Int { lock.withLock { value } }
}

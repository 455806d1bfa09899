// OpenAI-compatible response bodies for the fake servers of the tests.
import Foundation

/// Bodies of `chat/completions` and `embeddings` responses as OpenAI-compatible servers send them.
public enum OpenAIReplies {
  /// A chat completion whose message content is `content`, with the given finish reason.
  public static func chat(_ content: String, finish: String = "stop", model: String = "m") -> String {
    let message = String(decoding: try! JSONEncoder().encode(content), as: UTF8.self)
    return
      #"{"id":"c","object":"chat.completion","model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":\#(message)},"finish_reason":"\#(finish)"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}"#
  }

  /// Content that every reasoning stage of drp parses: one dimension (`Tone`), a validation that
  /// keeps it, and a summary. A generation keeps it as the review text.
  public static let pipelineAnswer =
    #"{"dimensions":[{"name":"Tone","definition":"how warm","description":"warmer than peers","evidence":"e"}],"kept":["Tone"],"summary":"Warmer than peers."}"#

  /// A `FakeHTTPServer` reply with `content` as a chat completion.
  public static func reply(_ content: String = pipelineAnswer, finish: String = "stop") -> FakeHTTPServer.Reply {
    .respond(status: 200, body: chat(content, finish: finish))
  }
}

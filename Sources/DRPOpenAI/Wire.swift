import DRPCore

/// The JSON bodies the server sends, as far as this client reads them.
enum Wire {
  /// A chat completion, or one chunk of a streamed one.
  struct Completion: Decodable, Equatable {
    var model: String?
    var choices: [Choice]?
    var usage: Usage?
    var error: ErrorInfo?
  }

  /// One choice of a completion.
  struct Choice: Decodable, Equatable {
    var message: Message?
    var delta: Message?
    var finish_reason: String?
  }

  /// A message or a streamed delta.
  struct Message: Decodable, Equatable {
    var content: String?
    var reasoning_content: String?
  }

  /// Token usage.
  struct Usage: Decodable, Equatable {
    var prompt_tokens: Int?
    var completion_tokens: Int?
    var total_tokens: Int?

    var tokenUsage: TokenUsage {
      TokenUsage(promptTokens: prompt_tokens ?? 0, completionTokens: completion_tokens ?? 0, totalTokens: total_tokens)
    }
  }

  /// An error reported inside a 2xx body (streams).
  struct ErrorInfo: Decodable, Equatable {
    var message: String?
  }

  /// An embeddings response.
  struct Embeddings: Decodable {
    var data: [Embedding]?
    var usage: Usage?
  }

  /// One embedding vector.
  struct Embedding: Decodable {
    var index: Int?
    var embedding: [Float]?
  }
}

extension Wire.Completion {
  /// The completion in `bytes`, read with `JSONParser` (a chat reply is decoded once per call, and
  /// `JSONDecoder` cost more than the rest of the reply's handling). Nil where the reading could
  /// differ from `JSONDecoder`'s — input it does not parse, a member of another type than
  /// declared, an integer written as a fraction — so the caller decodes with `JSONDecoder`,
  /// which accepts or reports it as before. Unknown members are ignored; `null` reads as absent.
  static func parse(_ bytes: some Collection<UInt8>) -> Wire.Completion? {
    guard case .object(let root)? = try? JSONParser().parse(bytes) else { return nil }
    do {
      return Wire.Completion(
        model: try Member.string(root["model"]),
        choices: try Member.array(root["choices"]) { choice in
          guard case .object(let choice) = choice else { throw Member.Mismatch() }
          return Wire.Choice(
            message: try Member.message(choice["message"]), delta: try Member.message(choice["delta"]),
            finish_reason: try Member.string(choice["finish_reason"]))
        },
        usage: try Member.object(root["usage"]) { usage in
          Wire.Usage(
            prompt_tokens: try Member.int(usage["prompt_tokens"]),
            completion_tokens: try Member.int(usage["completion_tokens"]),
            total_tokens: try Member.int(usage["total_tokens"]))
        },
        error: try Member.object(root["error"]) { Wire.ErrorInfo(message: try Member.string($0["message"])) })
    } catch {
      return nil
    }
  }
}

/// Typed reads of optional members for `Wire.Completion.parse`: nil for absent or `null`,
/// `Mismatch` for another type.
private enum Member {
  struct Mismatch: Error {}

  static func string(_ value: JSONValue?) throws -> String? {
    switch value {
    case nil, .null?: return nil
    case .string(let text)?: return text
    default: throw Mismatch()
    }
  }

  static func int(_ value: JSONValue?) throws -> Int? {
    switch value {
    case nil, .null?: return nil
    case .int(let number)?:
      guard let exact = Int(exactly: number) else { throw Mismatch() }
      return exact
    default: throw Mismatch()
    }
  }

  static func array<T>(_ value: JSONValue?, _ element: (JSONValue) throws -> T) throws -> [T]? {
    switch value {
    case nil, .null?: return nil
    case .array(let elements)?: return try elements.map(element)
    default: throw Mismatch()
    }
  }

  static func object<T>(_ value: JSONValue?, _ read: ([String: JSONValue]) throws -> T) throws -> T? {
    switch value {
    case nil, .null?: return nil
    case .object(let members)?: return try read(members)
    default: throw Mismatch()
    }
  }

  static func message(_ value: JSONValue?) throws -> Wire.Message? {
    try object(value) {
      Wire.Message(content: try string($0["content"]), reasoning_content: try string($0["reasoning_content"]))
    }
  }
}

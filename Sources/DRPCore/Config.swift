// drp configuration: every key optional in JSON; defaults in code equal config/drp.json.

/// The whole drp configuration (`config/drp.json`). Every key is optional when decoding: a missing
/// key takes the built-in default, which equals the checked-in `config/drp.json`.
public struct DRPConfig: Codable, Sendable, Equatable {
  /// Data directory holding `drp.sqlite` and index files.
  public var home: String = "index"
  /// SQLite store settings.
  public var store = StoreConfig()
  /// Vector index settings.
  public var index = IndexConfig()
  /// Embedding model settings.
  public var embedder = EmbedderConfig()
  /// Generation LLM settings.
  public var llm = LLMConfig()
  /// Reasoning LLM settings; when absent from the file it equals `llm`.
  public var reasoner = LLMConfig()
  /// The model that writes the profile summary (synthesis), when configured separately; nil: the
  /// preset decides (`drp`: the reasoner, `paper`: the generation LLM).
  public var summarizer: LLMConfig?
  /// Personalisation pipeline settings.
  public var pipeline = PipelineConfig()
  /// Server settings.
  public var server = ServerConfig()

  /// The built-in defaults.
  public init() {}

  enum CodingKeys: String, CodingKey { case home, store, index, embedder, llm, reasoner, summarizer, pipeline, server }

  /// Decodes a configuration in which every key is optional.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    home = try c.decodeIfPresent(String.self, forKey: .home) ?? home
    store = try c.decodeIfPresent(StoreConfig.self, forKey: .store) ?? store
    index = try c.decodeIfPresent(IndexConfig.self, forKey: .index) ?? index
    embedder = try c.decodeIfPresent(EmbedderConfig.self, forKey: .embedder) ?? embedder
    llm = try c.decodeIfPresent(LLMConfig.self, forKey: .llm) ?? llm
    reasoner = try c.decodeIfPresent(LLMConfig.self, forKey: .reasoner) ?? llm
    summarizer = try c.decodeIfPresent(LLMConfig.self, forKey: .summarizer)
    pipeline = try c.decodeIfPresent(PipelineConfig.self, forKey: .pipeline) ?? pipeline
    server = try c.decodeIfPresent(ServerConfig.self, forKey: .server) ?? server
  }
}

/// `store` section: SQLite behaviour.
public struct StoreConfig: Codable, Sendable, Equatable {
  /// How long SQLite waits for a lock before failing, in milliseconds.
  public var busyTimeoutMs: Int = 5000
  /// Lines per import transaction.
  public var importBatch: Int = 5000
  /// The longest review text accepted (`drp import` and `reviews.add`), in UTF-8 bytes.
  public var maxTextBytes: Int = 65536
  /// The longest review title accepted, in UTF-8 bytes.
  public var maxTitleBytes: Int = 4096

  /// The defaults.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case busyTimeoutMs = "busy_timeout_ms"
    case importBatch = "import_batch"
    case maxTextBytes = "max_text_bytes"
    case maxTitleBytes = "max_title_bytes"
  }

  /// Decodes with every key optional.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    busyTimeoutMs = try c.decodeIfPresent(Int.self, forKey: .busyTimeoutMs) ?? busyTimeoutMs
    importBatch = try c.decodeIfPresent(Int.self, forKey: .importBatch) ?? importBatch
    maxTextBytes = try c.decodeIfPresent(Int.self, forKey: .maxTextBytes) ?? maxTextBytes
    maxTitleBytes = try c.decodeIfPresent(Int.self, forKey: .maxTitleBytes) ?? maxTitleBytes
  }
}

/// `index` section: the vector index.
public struct IndexConfig: Codable, Sendable, Equatable {
  /// Vector dimension.
  public var dimension: Int = 384
  /// Whether vectors are stored as int8.
  public var quantized: Bool = false
  /// Index files up to this size are checksummed whole the first time a command queries them
  /// (`drp serve` checksums any size at start); 0 turns this off.
  public var verifyMaxBytes: Int = 268_435_456

  /// The defaults.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case dimension, quantized
    case verifyMaxBytes = "verify_max_bytes"
  }

  /// Decodes with every key optional.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    dimension = try c.decodeIfPresent(Int.self, forKey: .dimension) ?? dimension
    quantized = try c.decodeIfPresent(Bool.self, forKey: .quantized) ?? quantized
    verifyMaxBytes = try c.decodeIfPresent(Int.self, forKey: .verifyMaxBytes) ?? verifyMaxBytes
  }
}

/// `embedder` section: which embedding model turns text into vectors.
public struct EmbedderConfig: Codable, Sendable, Equatable {
  /// `"builtin"` (offline hashing embedder) or `"openai"` (an OpenAI-compatible `/v1/embeddings`).
  public var kind: String = "builtin"
  /// Vector dimension.
  public var dimension: Int = 384
  /// Base URL of the embeddings server (kind `openai`).
  public var url: String?
  /// Model name (kind `openai`).
  public var model: String?
  /// API key (kind `openai`).
  public var apiKey: String?
  /// What of a review is embedded: `title_text` (title and text, drp's default) or `text` (the text
  /// only, as the DRP paper's peer selection does).
  public var text: EmbeddingText = .titleText

  /// The defaults.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case kind, dimension, url, model, text
    case apiKey = "api_key"
  }

  /// Decodes with every key optional.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    kind = try c.decodeIfPresent(String.self, forKey: .kind) ?? kind
    dimension = try c.decodeIfPresent(Int.self, forKey: .dimension) ?? dimension
    url = try c.decodeIfPresent(String.self, forKey: .url)
    model = try c.decodeIfPresent(String.self, forKey: .model)
    apiKey = try c.decodeIfPresent(String.self, forKey: .apiKey)
    text = try c.decodeIfPresent(EmbeddingText.self, forKey: .text) ?? text
  }
}

/// What of a review an embedder sees (`embedder.text`).
public enum EmbeddingText: String, Codable, CaseIterable, Sendable {
  /// The review's title and text.
  case titleText = "title_text"
  /// The review's text only.
  case text
}

/// `llm` and `reasoner` sections: an OpenAI-compatible chat model.
public struct LLMConfig: Codable, Sendable, Equatable {
  /// Base URL of the server, e.g. `http://127.0.0.1:8080/v1`.
  public var url: String?
  /// Model name.
  public var model: String?
  /// API key.
  public var apiKey: String?
  /// Seconds one attempt of a request may take, from connecting to the end of the (streamed) reply.
  public var timeoutS: Double = 120
  /// Retries after a failed request.
  public var maxRetries: Int = 2
  /// Most requests to this endpoint in flight at once, across everything the process does (the
  /// engine makes one client per endpoint). 8 lets a cold profile's 8 key items go out together.
  public var concurrency: Int = 8
  /// Whether reasoning calls constrain answers to JSON (`response_format`). Only the reasoner's
  /// value is used (generation writes free text); a file without a `reasoner` section gets the
  /// `llm` section's, as for every other key.
  public var structuredOutput: StructuredOutput = .none
  /// The largest reply accepted in bytes (a whole body, or the text of a stream); nil: 16 bytes
  /// per requested `max_tokens` plus 64 KiB.
  public var maxReplyBytes: Int?
  /// The longest line of a streamed reply, and the most data of one event, in bytes.
  public var maxLineBytes: Int = 1_048_576
  /// The largest prompt sent, in bytes (all messages, after truncation to the prompt budget).
  public var maxPromptBytes: Int = 1_048_576

  /// The defaults.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case url, model, concurrency
    case apiKey = "api_key"
    case timeoutS = "timeout_s"
    case maxRetries = "max_retries"
    case structuredOutput = "structured_output"
    case maxReplyBytes = "max_reply_bytes"
    case maxLineBytes = "max_line_bytes"
    case maxPromptBytes = "max_prompt_bytes"
  }

  /// Decodes with every key optional.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    url = try c.decodeIfPresent(String.self, forKey: .url)
    model = try c.decodeIfPresent(String.self, forKey: .model)
    apiKey = try c.decodeIfPresent(String.self, forKey: .apiKey)
    timeoutS = try c.decodeIfPresent(Double.self, forKey: .timeoutS) ?? timeoutS
    maxRetries = try c.decodeIfPresent(Int.self, forKey: .maxRetries) ?? maxRetries
    concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency) ?? concurrency
    structuredOutput = try c.decodeIfPresent(StructuredOutput.self, forKey: .structuredOutput) ?? structuredOutput
    maxReplyBytes = try c.decodeIfPresent(Int.self, forKey: .maxReplyBytes)
    maxLineBytes = try c.decodeIfPresent(Int.self, forKey: .maxLineBytes) ?? maxLineBytes
    maxPromptBytes = try c.decodeIfPresent(Int.self, forKey: .maxPromptBytes) ?? maxPromptBytes
  }
}

/// `pipeline` section: how a personalised generation is produced.
public struct PipelineConfig: Codable, Sendable, Equatable {
  /// `"drp"` (difference-aware), or a baseline mode name.
  public var mode: String = "drp"
  /// The pipeline followed (`drp` or the authors' `paper`); a preset's knobs replace this section's.
  public var preset: PipelinePreset = .drp
  /// Profiles per (user, target item) (`target`) or one per user (`user`).
  public var profileScope: ProfileScope = .target
  /// Key samples of the user's history compared with peers.
  public var keySamples: Int = 8
  /// Other reviewers a history item needs to be a key sample.
  public var minOtherReviewers: Int = 4
  /// Comparable peers.
  public var peers: Int = 4
  /// How peers are chosen (`"representative"`, ...).
  public var peerStrategy: String = "representative"
  /// Generations per request.
  public var samples: Int = 1
  /// Whether discovered differences are validated (`use`, `record`, `off`; true/false).
  public var validation: ValidationMode = .use
  /// Reasoning token budget.
  public var thinkingBudget: Int = 1024
  /// Maximum tokens of a generation.
  public var maxTokens: Int = 1024
  /// Reviews of the user's history shown to the generator.
  public var history: Int = 8

  /// The defaults.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case mode, preset, peers, samples, validation, history
    case profileScope = "profile_scope"
    case keySamples = "key_samples"
    case minOtherReviewers = "min_other_reviewers"
    case peerStrategy = "peer_strategy"
    case thinkingBudget = "thinking_budget"
    case maxTokens = "max_tokens"
  }

  /// Decodes with every key optional.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    mode = try c.decodeIfPresent(String.self, forKey: .mode) ?? mode
    preset = try c.decodeIfPresent(PipelinePreset.self, forKey: .preset) ?? preset
    profileScope = try c.decodeIfPresent(ProfileScope.self, forKey: .profileScope) ?? profileScope
    keySamples = try c.decodeIfPresent(Int.self, forKey: .keySamples) ?? keySamples
    minOtherReviewers = try c.decodeIfPresent(Int.self, forKey: .minOtherReviewers) ?? minOtherReviewers
    peers = try c.decodeIfPresent(Int.self, forKey: .peers) ?? peers
    peerStrategy = try c.decodeIfPresent(String.self, forKey: .peerStrategy) ?? peerStrategy
    samples = try c.decodeIfPresent(Int.self, forKey: .samples) ?? samples
    validation = try c.decodeIfPresent(ValidationMode.self, forKey: .validation) ?? validation
    thinkingBudget = try c.decodeIfPresent(Int.self, forKey: .thinkingBudget) ?? thinkingBudget
    maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? maxTokens
    history = try c.decodeIfPresent(Int.self, forKey: .history) ?? history
  }
}

/// `server` section: listening sockets and limits.
public struct ServerConfig: Codable, Sendable, Equatable {
  /// TCP `host:port` to listen on (`null` disables TCP).
  public var tcp: String? = "127.0.0.1:7411"
  /// Unix socket path (`null` disables it).
  public var unix: String?
  /// Longest accepted request line in bytes.
  public var maxLineBytes: Int = 1_048_576
  /// Simultaneous connections.
  public var maxConnections: Int = 256
  /// Requests processed at once across connections.
  public var maxInFlight: Int = 64
  /// Seconds before an idle connection is closed.
  public var idleTimeoutS: Double = 300
  /// Microseconds the event loop and index workers keep polling for work before they sleep (0: never poll).
  public var busyPollUs: Int = 50
  /// Milliseconds a failed `auth` waits for its reply.
  public var authFailureDelayMs: Int = 500
  /// Failed `auth` attempts after which a connection is closed.
  public var maxAuthFailures: Int = 3

  /// The defaults.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case tcp, unix
    case maxLineBytes = "max_line_bytes"
    case maxConnections = "max_connections"
    case maxInFlight = "max_in_flight"
    case idleTimeoutS = "idle_timeout_s"
    case busyPollUs = "busy_poll_us"
    case authFailureDelayMs = "auth_failure_delay_ms"
    case maxAuthFailures = "max_auth_failures"
  }

  /// Decodes with every key optional; an explicit `null` for `tcp` disables TCP.
  public init(from decoder: Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    if c.contains(.tcp) { tcp = try c.decodeIfPresent(String.self, forKey: .tcp) }
    unix = try c.decodeIfPresent(String.self, forKey: .unix)
    maxLineBytes = try c.decodeIfPresent(Int.self, forKey: .maxLineBytes) ?? maxLineBytes
    maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? maxConnections
    maxInFlight = try c.decodeIfPresent(Int.self, forKey: .maxInFlight) ?? maxInFlight
    idleTimeoutS = try c.decodeIfPresent(Double.self, forKey: .idleTimeoutS) ?? idleTimeoutS
    busyPollUs = try c.decodeIfPresent(Int.self, forKey: .busyPollUs) ?? busyPollUs
    authFailureDelayMs = try c.decodeIfPresent(Int.self, forKey: .authFailureDelayMs) ?? authFailureDelayMs
    maxAuthFailures = try c.decodeIfPresent(Int.self, forKey: .maxAuthFailures) ?? maxAuthFailures
  }
}

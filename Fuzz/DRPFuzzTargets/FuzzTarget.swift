// The fuzz targets: each feeds arbitrary bytes to one of drp's parsers, the way drp does.
import DRPCore
import DRPIndex
import DRPOpenAI
import DRPProtocol
import DRPStore
import Foundation

/// A parser fed arbitrary bytes by `drp-fuzz` (libFuzzer, `scripts/fuzz.sh`) and by the replay
/// tests. Running a target must never crash: a trap is a finding. Some targets also check an
/// invariant and trap when it breaks (named in `summary`).
public enum FuzzTarget: String, CaseIterable, Sendable {
  /// Request lines: `LineFramer`, `JSONParser`, `RPCRequest`, `RPCParams`.
  case jsonrpc
  /// Import lines: `LineParser` (with `JSONLineScanner` and `ReviewRule`), or whole files through
  /// `LineReader` (plain and gzip).
  case jsonl
  /// HTTP responses: `HTTPResponseParser`, fed in chunks.
  case http
  /// Event streams: `SSEParser`, fed whole and in chunks.
  case sse
  /// Index files: `VectorIndex.load`, search and updates of what loads.
  case index
  /// Vector and ground-truth files: `VectorFileReader` (.npy, .fvecs, .bvecs, JSONL, .ivecs).
  case vectors

  /// What the target exercises.
  public var summary: String {
    switch self {
    case .jsonrpc:
      return "request lines: framing (4 KiB limit), strict JSON parsing, request validation, params access; "
        + "checks that writing and re-parsing a parsed value gives it back"
    case .jsonl:
      return "import lines (first byte even) or a whole plain/gzip file read 64-8192 bytes at a time (odd, "
        + "the top bits choose the size): parsing, the review rule, repairs; checks that a file read in one "
        + "piece gives the same lines"
    case .http:
      return "an HTTP/1.1 response in chunks of 1-64 bytes (first byte): status, headers, chunked and fixed bodies; "
        + "checks that the chunking changes neither the body, the head nor the failure"
    case .sse:
      return "an event stream with a 256-byte line limit; checks that any chunking (first byte) gives the same "
        + "events or the same failure as feeding it whole"
    case .index:
      return "an index file image (first byte: bit 0 restamps the header checksum, bit 1 verifies the payload): "
        + "load, search, lookups, upsert and remove"
    case .vectors:
      return "a vector file whose format the first byte chooses (.npy, .fvecs, .bvecs, .jsonl, .ivecs): header, "
        + "shape and row checks; checks that what loads has whole rows of its dimension"
    }
  }

  /// Runs the target on one input.
  public func run(_ data: UnsafeBufferPointer<UInt8>) {
    switch self {
    case .jsonrpc: Self.jsonrpc(data)
    case .jsonl: Self.jsonl(data)
    case .http: Self.http(data)
    case .sse: Self.sse(data)
    case .index: Self.index(data)
    case .vectors: Self.vectors(data)
    }
  }

  /// The input after its first (mode) byte.
  private static func rest(_ data: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: data.dropFirst())
  }

  /// A scratch file of this process for targets that read files.
  private static let scratchPath: String = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return (directory as NSString).appendingPathComponent("drp-fuzz-\(getpid())")
  }()

  /// Runs `body` on a scratch file holding `bytes` (named with `extension` when given), removed after.
  private static func withScratch<T>(_ bytes: some Collection<UInt8>, extension: String? = nil, _ body: (String) -> T)
    -> T
  {
    let path = `extension`.map { scratchPath + "." + $0 } ?? scratchPath
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { unlink(path) }
    return body(path)
  }

  private static func jsonrpc(_ data: UnsafeBufferPointer<UInt8>) {
    var framer = LineFramer(maxLineBytes: 4096)
    framer.append(UnsafeRawBufferPointer(data))
    let parser = JSONParser(maxDepth: 64)
    while let event = framer.next() {
      guard case .line(let bytes) = event, let json = try? parser.parse(bytes) else { continue }
      let rewritten = JSONWriter.bytes(json)
      guard let again = try? JSONParser(maxDepth: 65).parse(rewritten), again == json else {
        fatalError("JSONWriter output does not parse back to the value: \(String(decoding: rewritten, as: UTF8.self))")
      }
      _ = RPCRequest.salvageID(from: json)
      guard let request = try? RPCRequest(json: json) else { continue }
      let params = RPCParams(request.params)
      _ = try? params.requireString("user")
      _ = try? params.optionalInt("k", default: 10, range: 1...1000)
      _ = try? params.optionalDouble("rating", default: 0, range: 0...5)
      _ = try? params.optionalBool("stream", default: false)
      _ = try? params.requireStringArray("ids")
      _ = try? params.rejectUnknown(allowing: ["user", "k"])
      _ = RPCResponse(id: request.id, outcome: .success(json)).line
    }
  }

  private static func jsonl(_ data: UnsafeBufferPointer<UInt8>) {
    guard let mode = data.first else { return }
    if mode & 1 == 0 {
      _ = ImportProbe.parseLines(rest(data), metaFile: mode & 2 != 0)
    } else {
      // Small reads: fast, and they exercise the buffer growth and gzip refills. The same file read
      // in one piece must give the same lines (or fail too).
      withScratch(rest(data)) { path in
        let small = Result { try ImportProbe.readFile(path, chunk: 64 << (mode >> 5)) }
        let whole = Result { try ImportProbe.readFile(path, chunk: 1 << 16) }  // a plain input: one read
        switch (small, whole) {
        case (.success(let a), .success(let b)) where a.outcomes == b.outcomes && a.trailingBytes == b.trailingBytes:
          break
        case (.failure, .failure): break
        default: fatalError("the import depends on the read size: \(small) vs \(whole)")
        }
      }
    }
  }

  private static func http(_ data: UnsafeBufferPointer<UInt8>) {
    guard let mode = data.first else { return }
    let body = rest(data)
    /// Everything a parse gives: body, head, completion, reuse and the failure, if any.
    struct Outcome: Equatable {
      var body: [UInt8] = []
      var head: HTTPResponseParser.Head?
      var complete = false
      var keeps = false
      var failure: HTTPResponseParser.Failure?
    }
    func feedAll(_ parser: inout HTTPResponseParser, chunk: Int, into outcome: inout Outcome)
      throws(HTTPResponseParser.Failure)
    {
      var offset = 0
      while offset < body.count {
        outcome.body += try parser.feed(body[offset..<min(offset + chunk, body.count)])
        offset += chunk
      }
      try parser.finish()
    }
    func parse(chunk: Int) -> Outcome {
      var parser = HTTPResponseParser(maxHeaderBytes: 1024)
      var outcome = Outcome()
      do {
        try feedAll(&parser, chunk: chunk, into: &outcome)
      } catch {
        _ = error.description
        outcome.failure = error
      }
      (outcome.head, outcome.complete, outcome.keeps) = (parser.head, parser.isComplete, parser.keepsConnection)
      return outcome
    }
    var whole = parse(chunk: max(1, body.count))
    var chunked = parse(chunk: Int(mode % 64) + 1)
    if whole.failure != nil || chunked.failure != nil {
      // A feed that throws returns none of the body it decoded; smaller chunks hand some over first.
      (whole.body, chunked.body) = ([], [])
    }
    guard whole == chunked else { fatalError("the HTTP parse depends on the chunking: \(whole) vs \(chunked)") }
  }

  private static func sse(_ data: UnsafeBufferPointer<UInt8>) {
    guard let mode = data.first else { return }
    let body = rest(data)
    func parse(chunk: Int) -> Result<[String], SSEParser.Failure> {
      var parser = SSEParser(maxLineBytes: 256)
      var events: [String] = []
      var offset = 0
      do {
        while offset < body.count {
          events += try parser.feed(body[offset..<min(offset + chunk, body.count)])
          offset += chunk
        }
        if let last = try parser.finish() { events.append(last) }
        return .success(events)
      } catch {
        return .failure(error)
      }
    }
    let whole = parse(chunk: max(1, body.count))
    let chunked = parse(chunk: Int(mode % 32) + 1)
    guard whole == chunked else { fatalError("SSE events depend on the chunking: \(whole) vs \(chunked)") }
  }

  private static func index(_ data: UnsafeBufferPointer<UInt8>) {
    guard let mode = data.first else { return }
    var image = Array(rest(data))
    if mode & 1 != 0 { VectorIndex.restampHeaderChecksum(&image) }
    // Loaded (mapped or read) before the scratch file is removed; a mapping outlives the name.
    guard let index = withScratch(image, { try? VectorIndex.load(path: $0, verify: mode & 2 != 0) }) else { return }
    let info = index.info()
    _ = (info.count, info.tombstones, info.bytes)
    _ = index.contains("a")
    _ = index.vector(for: "a")
    guard index.dimension <= 4096 else { return }
    var query = [Float](repeating: 0, count: index.dimension)
    for i in query.indices { query[i] = Float(i % 7) - 3 }
    query[0] = 1
    let found = (try? index.search(query, k: 64)) ?? []
    for neighbor in found.prefix(8) {
      _ = index.vector(for: neighbor.id)
      _ = index.contains(neighbor.id)
    }
    _ = try? index.search(query, k: 3, filter: .ids(found.prefix(4).map(\.id) + ["a"]))
    _ = try? index.search(batch: [query, query], k: 2)
    try? index.upsert(id: "fuzz-new", vector: query)
    if let first = found.first { index.remove(id: first.id) }
    _ = try? index.search(query, k: 5)
  }

  private static func vectors(_ data: UnsafeBufferPointer<UInt8>) {
    guard let mode = data.first else { return }
    let formats = ["npy", "fvecs", "bvecs", "jsonl", "ivecs"]
    let format = formats[Int(mode) % formats.count]
    if format == "ivecs" {
      let rows = withScratch(rest(data), extension: format) { try? VectorFileReader.readIntegerRows(path: $0) }
      guard let rows else { return }
      guard !rows.isEmpty, rows.allSatisfy({ $0.count == rows[0].count }) else {
        fatalError("ground-truth rows of different lengths: \(rows.map(\.count))")
      }
      return
    }
    let file = withScratch(rest(data), extension: format) { try? VectorFileReader.read(path: $0) }
    guard let file else { return }
    guard file.dimension > 0, file.count > 0, file.values.count == file.count * file.dimension else {
      fatalError("\(format): \(file.values.count) values are not whole rows of dimension \(file.dimension)")
    }
    if let ids = file.ids, ids.count != file.count || Set(ids).count != ids.count {
      fatalError("\(format): \(ids.count) ids (distinct \(Set(ids).count)) for \(file.count) rows")
    }
    _ = file.vector(file.count - 1)
  }
}

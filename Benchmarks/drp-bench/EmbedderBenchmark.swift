// drp-bench embedder: throughput of the built-in embedder on one core.
import DRPCore
import DRPPeers
import Foundation

/// Measures ``BuiltinEmbedder`` throughput (MB of review text per second, one core).
///
/// Usage: `drp-bench embedder [--file reviews.jsonl] [--mb 20] [--dimension 384]`.
/// Without `--file` it generates ~`--mb` MB of synthetic review-like text from its own word list;
/// with `--file` it reads the `reviewText`/`text` and `summary`/`title` fields of a JSONL file.
enum EmbedderBenchmark {
  static func run(_ arguments: [String]) -> Int32 {
    var file: String?
    var megabytes = 20.0
    var dimension = 384
    var index = 0
    while index < arguments.count {
      let value = index + 1 < arguments.count ? arguments[index + 1] : nil
      switch (arguments[index], value) {
      case ("--file", let value?): file = value
      case ("--mb", let value?) where Double(value) != nil: megabytes = Double(value)!
      case ("--dimension", let value?) where Int(value).map({ $0 > 0 }) == true: dimension = Int(value)!
      default:
        FileHandle.standardError.write(
          Data("usage: drp-bench embedder [--file reviews.jsonl] [--mb N] [--dimension D]\n".utf8))
        return 2
      }
      index += 2
    }
    let texts: [String]
    do {
      texts = try file.map(readTexts) ?? syntheticTexts(bytes: Int(megabytes * 1_000_000))
    } catch {
      FileHandle.standardError.write(Data("drp-bench embedder: \(error)\n".utf8))
      return 1
    }
    let bytes = texts.reduce(0) { $0 + $1.utf8.count }
    let source = file ?? "synthetic"
    print("embedder: \(texts.count) texts, \(String(format: "%.1f", Double(bytes) / 1e6)) MB (\(source))")

    let fitStart = Date()
    let idf = HashedIDF.fit(texts: texts)
    let fitSeconds = Date().timeIntervalSince(fitStart)
    report("idf fit", bytes: bytes, texts: texts.count, seconds: fitSeconds)

    for (label, embedder) in [
      ("embed (no idf)", BuiltinEmbedder(dimension: dimension)),
      ("embed (idf)", BuiltinEmbedder(dimension: dimension, idf: idf)),
    ] {
      let start = Date()
      let vectors = embedder.vectors(for: texts)
      let seconds = Date().timeIntervalSince(start)
      precondition(vectors.count == texts.count)
      report("\(label) \(embedder.name)", bytes: bytes, texts: texts.count, seconds: seconds)
    }
    return 0
  }

  private static func report(_ label: String, bytes: Int, texts: Int, seconds: Double) {
    let rate = Double(bytes) / 1e6 / seconds
    print(
      String(
        format: "  %@: %.2f s, %.1f MB/s, %.0f texts/s", label, seconds, rate, Double(texts) / seconds))
  }

  private struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
  }

  /// The review text (title + body) of every line of a JSONL reviews file.
  private static func readTexts(_ path: String) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw BenchmarkError(description: "cannot read \(path)")
    }
    var texts: [String] = []
    for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { continue }
      let title = (object["summary"] ?? object["title"]) as? String ?? ""
      let body = (object["reviewText"] ?? object["text"]) as? String ?? ""
      texts.append(title + "\n" + body)
    }
    guard !texts.isEmpty else { throw BenchmarkError(description: "no review texts found in \(path)") }
    return texts
  }

  /// Review-like texts of 1-8 sentences from a fixed vocabulary, ~`bytes` in total.
  private static func syntheticTexts(bytes: Int) -> [String] {
    let words = """
      the a and this it was is for with but not very really quite great good bad poor excellent love \
      hate recommend product quality price value shipping arrived broke works worked fits size color \
      battery screen sound comfortable cheap expensive durable flimsy easy hard setup instructions \
      magazine issue articles subscription gift card delivery fast slow would buy again don't can't \
      I'm it's months weeks days after before using used daughter son husband wife friend kitchen \
      travel office perfect disappointed happy returned refund customer service 5 10 20 stars
      """.split(separator: " ").map(String.init)
    var random = SplitMix64(seed: 42)
    var texts: [String] = []
    var total = 0
    while total < bytes {
      var text = ""
      for _ in 0..<(1 + Int(random.next() % 8)) {
        let length = 5 + Int(random.next() % 15)
        var sentence = (0..<length).map { _ in words[Int(random.next() % UInt64(words.count))] }
        sentence[0] = sentence[0].prefix(1).uppercased() + sentence[0].dropFirst()
        text += sentence.joined(separator: " ") + (random.next() % 4 == 0 ? "! " : ". ")
      }
      total += text.utf8.count
      texts.append(text)
    }
    return texts
  }
}

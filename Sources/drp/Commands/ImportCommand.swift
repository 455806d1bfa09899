import DRPStore
import Foundation

/// `drp import FILE...`: loads JSONL reviews and item metadata into the store.
struct ImportCommand: Command {
  let name = "import"
  let summary = "import JSONL reviews and item metadata (.jsonl or .jsonl.gz)"
  let usage = """
    usage: drp import FILE... [--map FIELD=KEY,...] [--batch N] [--json]

    Imports Amazon Reviews 2023 JSONL files (plain or gzip). Each line is a review (it has a user id,
    rating or text) or item metadata (parent_asin without user_id; every line of a meta_* file).
    Re-importing adds nothing. Bad lines (including reviews breaking the review rule: text over
    store.max_text_bytes, title over store.max_title_bytes, rating outside 0...5, a negative or
    fractional timestamp, bad ids, repeated keys) are skipped, counted, and the first 5 per reason
    printed; lines with invalid UTF-8 are imported with U+FFFD and counted as repaired.
      --map SPEC   source keys for other layouts, e.g. user=reviewerID,item=asin,text=reviewText,
                   rating=overall,title=summary,timestamp=unixReviewTime,helpful=vote,verified=verified
                   (fields: \(FieldMapping.fieldNames.joined(separator: ", ")); key1|key2 lists alternatives;
                   timestamps below 10^11 are read as seconds)
      --batch N    lines per transaction (default: config store.import_batch)
      --json       print the summary as one JSON document
    """
  let options: [OptionSpec] = [.value("map"), .value("batch"), .json]

  func run(_ context: CommandContext) throws {
    let files = context.arguments.positionals
    guard !files.isEmpty else { throw UsageError(description: "no input file given") }
    let mapping: FieldMapping
    do {
      mapping = try context.arguments.value("map").map(FieldMapping.init(spec:)) ?? FieldMapping()
    } catch let error as FieldMappingError {
      throw UsageError(description: error.description)
    }
    let batch = try context.arguments.int("batch", default: context.config.store.importBatch, in: 1...1_000_000)
    for file in files where !FileManager.default.fileExists(atPath: file) {
      throw RuntimeError(description: "no such file: \(file)")
    }
    let store = try context.store(creating: true)
    let stderr = context.stderr
    var progressShown = false
    let importer = ReviewImporter(
      store: store, mapping: mapping, rule: ReviewRule(config: context.config.store), batchSize: batch,
      warn: { stderr.line("drp: warning: \($0)") },
      progress: { p in
        progressShown = true
        let rate = p.seconds > 0 ? Int(Double(p.lines) / p.seconds) : 0
        stderr.write("\rimport: \(p.lines) lines, \(p.reviews) reviews added, \(rate) lines/s   ")
      })
    let report = try importer.importFiles(files)
    if progressShown { stderr.write("\n") }
    if context.json {
      try context.printJSON(report)
      return
    }
    let skipped = report.skipped.filter { $0.value > 0 }.sorted { $0.key < $1.key }
    let repaired = report.repaired.filter { $0.value > 0 }.sorted { $0.key < $1.key }
    context.stdout.line(
      """
      imported \(report.files) file(s), \(report.lines) lines in \(String(format: "%.2f", report.seconds)) s
      users added:   \(report.usersAdded)
      items added:   \(report.itemsAdded) (\(report.itemMetadata) metadata lines)
      reviews added: \(report.reviewsAdded) (\(report.duplicates) duplicates)
      skipped:       \(report.skippedTotal)\(skipped.isEmpty ? "" : " (" + skipped.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")")
      repaired:      \(report.repairedTotal)\(repaired.isEmpty ? "" : " (" + repaired.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")")
      """)
    if report.trailingBytes > 0 {
      context.stdout.line("trailing:      \(report.trailingBytes) bytes after gzip data ignored")
    }
  }
}

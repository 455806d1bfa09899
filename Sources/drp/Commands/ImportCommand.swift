import DRPStore
import Foundation

/// `drp import FILE...`: loads JSONL reviews and item metadata into the store (`--format dpl`: the DPL
/// benchmark's rows, see ``DPLImporter``).
struct ImportCommand: Command {
  let name = "import"
  let summary = "import JSONL reviews and item metadata (.jsonl or .jsonl.gz)"
  let usage = """
    usage: drp import FILE... [--map FIELD=KEY,...] [--batch N] [--json]
           drp import --format dpl MAIN.jsonl META.jsonl [--json]

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
      --format F   amazon (default: the layout above) or dpl: the DPL benchmark (DPL-main rows
                   {user_id, profile: [review...], data: review}, reviews {user_id, asin, title, text,
                   rating, timestamp}; DPL-meta rows {asin, title, description}), files in any order.
                   Each main row's profile and target are stored and the target is marked as the
                   user's held-out review, which `drp eval --targets dpl` evaluates (EVALUATION.md
                   says how to export the data set to JSONL)
      --json       print the summary as one JSON document
    """
  let options: [OptionSpec] = [.value("map"), .value("batch"), .value("format"), .json]

  func run(_ context: CommandContext) throws {
    let files = context.arguments.positionals
    guard !files.isEmpty else { throw UsageError(description: "no input file given") }
    switch context.arguments.value("format") ?? "amazon" {
    case "amazon": break
    case "dpl": return try importDPL(files, context)
    case let other: throw UsageError(description: "--format: unknown format '\(other)' (use amazon or dpl)")
    }
    let mapping: FieldMapping
    do {
      mapping = try context.arguments.value("map").map(FieldMapping.init(spec:)) ?? FieldMapping()
    } catch let error as FieldMappingError {
      throw UsageError(description: error.description)
    }
    let batch = try context.arguments.int("batch", default: context.config.store.importBatch, in: 1...1_000_000)
    try Self.checkExist(files)
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
    try Self.show(report, progressShown: progressShown, context) {
      """
      imported \($0.files) file(s), \($0.lines) lines in \(String(format: "%.2f", $0.seconds)) s
      users added:   \($0.usersAdded)
      items added:   \($0.itemsAdded) (\($0.itemMetadata) metadata lines)
      reviews added: \($0.reviewsAdded) (\($0.duplicates) duplicates)
      skipped:       \(Self.countsText($0.skipped))
      repaired:      \(Self.countsText($0.repaired))
      """
        + ($0.trailingBytes > 0 ? "\ntrailing:      \($0.trailingBytes) bytes after gzip data ignored" : "")
    }
  }

  /// `--format dpl`: the DPL benchmark's main and meta rows.
  private func importDPL(_ files: [String], _ context: CommandContext) throws {
    if context.arguments.value("map") != nil {
      throw UsageError(description: "--map applies to the amazon format only; DPL rows have fixed fields")
    }
    try Self.checkExist(files)
    let store = try context.store(creating: true)
    let stderr = context.stderr
    var progressShown = false
    let importer = DPLImporter(
      store: store, rule: ReviewRule(config: context.config.store), warn: { stderr.line("drp: warning: \($0)") },
      progress: { p in
        progressShown = true
        stderr.write("\rimport: \(p.lines) lines, \(p.mainRows) users' rows, \(p.reviewsAdded) reviews added   ")
      })
    let report = try importer.importFiles(files)
    try Self.show(report, progressShown: progressShown, context) {
      """
      imported \($0.files) DPL file(s), \($0.lines) lines in \(String(format: "%.2f", $0.seconds)) s
      main rows:      \($0.mainRows) (held-out targets marked: \($0.targetsMarked))
      meta rows:      \($0.metaRows)
      users added:    \($0.usersAdded)
      items added:    \($0.itemsAdded)
      reviews added:  \($0.reviewsAdded) (\($0.duplicates) duplicates)
      skipped:        \(Self.countsText($0.skipped))
      """
    }
  }

  /// Ends the progress line, then prints `report` as JSON (`--json`) or as `text(report)`.
  private static func show<Report: Encodable>(
    _ report: Report, progressShown: Bool, _ context: CommandContext, text: (Report) -> String
  ) throws {
    if progressShown { context.stderr.write("\n") }
    if context.json {
      try context.printJSON(report)
    } else {
      context.stdout.line(text(report))
    }
  }

  /// - Throws: `RuntimeError` naming the first of `files` that does not exist.
  private static func checkExist(_ files: [String]) throws {
    for file in files where !FileManager.default.fileExists(atPath: file) {
      throw RuntimeError(description: "no such file: \(file)")
    }
  }

  /// `N` or `N (reason: n, ...)` for counts by reason (skipped or repaired lines).
  private static func countsText(_ skipped: [String: Int]) -> String {
    let counted = skipped.filter { $0.value > 0 }.sorted { $0.key < $1.key }
    let total = counted.reduce(0) { $0 + $1.value }
    return "\(total)"
      + (counted.isEmpty ? "" : " (" + counted.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")")
  }
}

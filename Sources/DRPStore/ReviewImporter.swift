// Streaming JSONL importer (Amazon Reviews 2023 layout or a custom field mapping).
import Foundation

/// Imports JSONL review and item-metadata files into a `ReviewStore`: streaming, in batched
/// transactions, idempotent (re-importing adds nothing). Each line is classified on its own: a
/// line with a user id (or a rating or text) is a review; otherwise it is item metadata, as is
/// every line of a `meta_*` file. Reviews must obey the `ReviewRule` (the one `reviews.add`
/// applies). Bad lines are counted and skipped, never half-written; lines read by replacing
/// invalid UTF-8 are imported and counted as repaired; bytes after the end of a gzip stream are
/// counted and reported.
public final class ReviewImporter {
  /// Progress so far, reported about once a second.
  public struct Progress: Sendable {
    /// Lines read.
    public var lines: Int
    /// Reviews added.
    public var reviews: Int
    /// Seconds since the import started.
    public var seconds: Double
  }

  private let store: ReviewStore
  private let mapping: FieldMapping
  private let rule: ReviewRule
  private let batchSize: Int
  private let reportLimit: Int
  private let warn: (String) -> Void
  private let progress: ((Progress) -> Void)?
  private var report = ImportReport()
  private var started = Date()
  private var lastProgress = Date()
  private var lastUser = ""
  /// Item ids known to exist in the store (inserted or found during this import), so that the
  /// INSERT OR IGNORE is skipped for them; cleared when it reaches `knownItemsLimit`.
  private var knownItems = Set<String>()
  private static let knownItemsLimit = 100_000

  /// Creates an importer.
  /// - Parameters:
  ///   - store: Destination.
  ///   - mapping: Source keys of the review fields.
  ///   - rule: What a review must satisfy (text limits from `store.max_text_bytes` etc.).
  ///   - batchSize: Lines per transaction.
  ///   - reportLimit: Bad and repaired lines printed per reason (the rest are only counted).
  ///   - warn: Receives `file:line: reason: detail` messages for bad lines,
  ///     `file:line: repaired: reason: detail` for repaired ones and `file: detail` for trailing data.
  ///   - progress: Called about once a second.
  public init(
    store: ReviewStore, mapping: FieldMapping = FieldMapping(), rule: ReviewRule = ReviewRule(), batchSize: Int = 5000,
    reportLimit: Int = 5, warn: @escaping (String) -> Void = { _ in }, progress: ((Progress) -> Void)? = nil
  ) {
    self.store = store
    self.mapping = mapping
    self.rule = rule
    self.batchSize = max(1, batchSize)
    self.reportLimit = reportLimit
    self.warn = warn
    self.progress = progress
  }

  /// Imports the files in order.
  /// - Returns: counts of everything added and skipped.
  /// - Throws: `ImportFileError` for a missing or unreadable file (files before it stay imported),
  ///   `SQLiteError` if the database fails.
  public func importFiles(_ paths: [String]) throws -> ImportReport {
    report = ImportReport()
    for reason in SkipReason.allCases { report.skipped[reason.rawValue] = 0 }
    for reason in RepairReason.allCases { report.repaired[reason.rawValue] = 0 }
    started = Date()
    lastProgress = started
    lastUser = ""
    knownItems.removeAll()
    // Fewer, larger checkpoints: hot index pages are copied back to the database less often.
    try store.withWriter { try $0.execute("PRAGMA wal_autocheckpoint=16384") }
    defer { _ = try? store.withWriter { try $0.execute("PRAGMA wal_autocheckpoint=1000") } }
    // Into an empty store, lookup-only indexes are built once at the end. If the process dies
    // before that, the next `ReviewStore` open rebuilds them.
    let deferred = try store.dropDeferrableIndexesIfEmpty()
    // Every review's user and item are inserted before it, in the same transaction, so the two
    // foreign-key lookups per row are redundant here.
    try store.withWriter { try $0.execute("PRAGMA foreign_keys=OFF") }
    defer { _ = try? store.withWriter { try $0.execute("PRAGMA foreign_keys=ON") } }
    do {
      try importAll(paths)
    } catch {
      if deferred { try? store.restoreDeferredIndexes() }
      throw error
    }
    if deferred { try store.restoreDeferredIndexes() }
    report.seconds = Date().timeIntervalSince(started)
    return report
  }

  private func importAll(_ paths: [String]) throws {
    for path in paths {
      let reader = try LineReader(path: path)
      let metaFile = (path as NSString).lastPathComponent.hasPrefix("meta_")
      try importLines(reader, metaFile: metaFile)
      if reader.trailingBytes > 0 {
        report.trailingBytes += reader.trailingBytes
        warn("\(path): \(reader.trailingBytes) bytes after the end of the gzip data are not gzip data; ignored")
      }
      report.files += 1
    }
  }

  /// Parses on a second thread while this one writes: the parser thread hands over whole
  /// batches (at most two waiting, so memory stays flat), each written in one transaction.
  private func importLines(_ reader: LineReader, metaFile: Bool) throws {
    let pipe = BatchPipe<ParsedBatch>(capacity: 2)
    let finished = DispatchSemaphore(value: 0)
    let parser = LineParser(mapping: mapping, rule: rule)
    let batchSize = batchSize
    let thread = Thread {
      defer { finished.signal() }
      Self.parse(reader, with: parser, metaFile: metaFile, batchSize: batchSize, into: pipe)
    }
    thread.start()
    defer {
      pipe.close()
      finished.wait()
    }
    while let batch = pipe.take() {
      try store.transaction { db in
        for line in batch.lines { try write(line, path: reader.path, db) }
        if let error = batch.error { throw error }
      }
      reportProgressIfDue()
      if batch.isLast { return }
    }
  }

  /// Lines of one transaction; the last batch of a file may end with the read error that stopped it.
  private struct ParsedBatch: @unchecked Sendable {  // @unchecked: handed over once
    var lines: [ParsedLine]
    var isLast: Bool
    var error: (any Error)?
  }

  private static func parse(
    _ reader: LineReader, with parser: LineParser, metaFile: Bool, batchSize: Int, into pipe: BatchPipe<ParsedBatch>
  ) {
    var lines: [ParsedLine] = []
    lines.reserveCapacity(batchSize)
    do {
      while try reader.next({ lines.append(parser.parse($0, metaFile: metaFile)) }) != nil {
        if lines.count == batchSize {
          guard pipe.put(ParsedBatch(lines: lines, isLast: false, error: nil)) else { return }
          lines.removeAll(keepingCapacity: true)
        }
      }
      _ = pipe.put(ParsedBatch(lines: lines, isLast: true, error: nil))
    } catch {
      _ = pipe.put(ParsedBatch(lines: lines, isLast: true, error: error))
    }
  }

  private func reportProgressIfDue() {
    guard let progress else { return }
    let now = Date()
    if now.timeIntervalSince(lastProgress) >= 1 {
      lastProgress = now
      progress(Progress(lines: report.lines, reviews: report.reviewsAdded, seconds: now.timeIntervalSince(started)))
    }
  }

  private func write(_ line: ParsedLine, path: String, _ db: SQLiteConnection) throws {
    switch line {
    case .blank: return
    case .review(let row):
      try insertReview(row, db)
      countRepair(at: row.repairedAt, path: path)
    case .item(let row):
      try insertItem(row, db)
      countRepair(at: row.repairedAt, path: path)
    case .bad(let reason, let detail, let number):
      let count = report.skipped[reason.rawValue, default: 0] + 1
      report.skipped[reason.rawValue] = count
      if count <= reportLimit { warn("\(path):\(number): \(reason.rawValue): \(detail)") }
    }
    report.lines += 1
  }

  /// Counts a line read by replacing invalid UTF-8 (and prints the first few).
  private func countRepair(at number: Int?, path: String) {
    guard let number else { return }
    let reason = RepairReason.invalidUTF8.rawValue
    let count = report.repaired[reason, default: 0] + 1
    report.repaired[reason] = count
    if count <= reportLimit {
      warn("\(path):\(number): repaired: \(reason): invalid UTF-8 or an unpaired \\u surrogate replaced by U+FFFD")
    }
  }

  private func insertReview(_ row: ParsedLine.ReviewRow, _ db: SQLiteConnection) throws {
    if row.user != lastUser {
      if try ReviewStore.insertUser(row.user, db) { report.usersAdded += 1 }
      lastUser = row.user
    }
    report.itemsAdded += try insertBareItem(row.item, db)
    if try ReviewStore.insertReview(row, db) { report.reviewsAdded += 1 } else { report.duplicates += 1 }
  }

  private func insertBareItem(_ id: String, _ db: SQLiteConnection) throws -> Int {
    if knownItems.contains(id) { return 0 }
    let isNew = try ReviewStore.insertBareItem(id, db)
    if knownItems.count >= Self.knownItemsLimit { knownItems.removeAll(keepingCapacity: true) }
    knownItems.insert(id)
    return isNew ? 1 : 0
  }

  private func insertItem(_ row: ParsedLine.ItemRow, _ db: SQLiteConnection) throws {
    report.itemsAdded += try insertBareItem(row.id, db)
    try ReviewStore.updateItemMetadata(
      row.id, title: row.title, description: row.description, categoriesJSON: row.categoriesJSON,
      mainCategory: row.mainCategory, metadataJSON: row.metadataJSON, db)
    report.itemMetadata += 1
  }
}

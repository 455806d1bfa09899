// Imports the DPL benchmark (DPL-main and DPL-meta exported as JSON lines): histories, targets, items.
import Foundation

/// Counts of what a DPL import did.
public struct DPLImportReport: Sendable, Codable, Equatable {
  /// Files read.
  public var files = 0
  /// Non-blank lines read.
  public var lines = 0
  /// DPL-main rows imported (one user's history and target each).
  public var mainRows = 0
  /// DPL-meta rows applied (item title and description).
  public var metaRows = 0
  /// New users.
  public var usersAdded = 0
  /// New items (from meta rows or bare items created for reviews).
  public var itemsAdded = 0
  /// New reviews (history and targets).
  public var reviewsAdded = 0
  /// Reviews already stored (same user, item, timestamp and text).
  public var duplicates = 0
  /// Users whose held-out review is now a target of this import.
  public var targetsMarked = 0
  /// Skipped lines by reason (``DPLRowError/Reason`` raw values).
  public var skipped: [String: Int] = [:]
  /// Wall-clock seconds.
  public var seconds = 0.0

  /// An empty report.
  public init() {}

  /// Total skipped lines.
  public var skippedTotal: Int { skipped.values.reduce(0, +) }

  enum CodingKeys: String, CodingKey {
    case files, lines, duplicates, skipped, seconds
    case mainRows = "main_rows"
    case metaRows = "meta_rows"
    case usersAdded = "users_added"
    case itemsAdded = "items_added"
    case reviewsAdded = "reviews_added"
    case targetsMarked = "targets_marked"
  }
}

/// Imports DPL benchmark files into a ``ReviewStore``. Each line is a DPL-main row (`user_id`, `profile`,
/// `data`) or a DPL-meta row (`asin`, `title`, `description`), told apart by its fields, so the files can
/// come in any order. A main row stores the user's profile reviews and the target review, and marks the
/// target as the user's held-out review (``HeldOutMark`` with source `dpl`; a user keeps the latest
/// target when several rows, e.g. of several splits, name one). A meta row sets the item's title and
/// description. Idempotent: importing the same files again adds nothing. A bad line is skipped, counted
/// and (the first `reportLimit` per reason) reported; a row is written whole or not at all.
public final class DPLImporter {
  /// The source name of the held-out marks this importer sets.
  public static let source = "dpl"

  private let store: ReviewStore
  private let rule: ReviewRule
  private let batchSize: Int
  private let reportLimit: Int
  private let warn: (String) -> Void
  private let progress: ((DPLImportReport) -> Void)?
  private var report = DPLImportReport()

  /// Creates an importer.
  /// - Parameters:
  ///   - rule: what every review of a row must obey (a row with one bad review is skipped).
  ///   - batchSize: rows per transaction.
  ///   - reportLimit: bad lines printed per reason (the rest are only counted).
  ///   - warn: receives `file:line: reason: detail` for bad lines.
  ///   - progress: called about once a second with the counts so far.
  public init(
    store: ReviewStore, rule: ReviewRule = ReviewRule(), batchSize: Int = 200, reportLimit: Int = 5,
    warn: @escaping (String) -> Void = { _ in }, progress: ((DPLImportReport) -> Void)? = nil
  ) {
    self.store = store
    self.rule = rule
    self.batchSize = max(1, batchSize)
    self.reportLimit = reportLimit
    self.warn = warn
    self.progress = progress
  }

  /// Imports the files in order (plain or gzip).
  /// - Throws: `ImportFileError` for a missing or unreadable file (files before it stay imported),
  ///   `SQLiteError` if the database fails.
  public func importFiles(_ paths: [String]) throws -> DPLImportReport {
    report = DPLImportReport()
    for reason in DPLRowError.Reason.allCases { report.skipped[reason.rawValue] = 0 }
    let started = Date()
    var lastProgress = started
    for path in paths {
      let reader = try LineReader(path: path)
      var batch: [DPLLine] = []
      func flush() throws {
        guard !batch.isEmpty else { return }
        try store.transaction { db in for line in batch { try write(line, db) } }
        batch.removeAll(keepingCapacity: true)
        if let progress, Date().timeIntervalSince(lastProgress) >= 1 {
          lastProgress = Date()
          report.seconds = lastProgress.timeIntervalSince(started)
          progress(report)
        }
      }
      while let parsed = try reader.next({ line -> (Result<DPLLine?, DPLRowError>, Int) in
        let data = Data(line.bytes)
        return (Result { () throws(DPLRowError) in try DPLRowReader.parse(data, rule: rule) }, line.number)
      }) {
        switch parsed.0 {
        case .success(nil): continue
        case .success(let line?): batch.append(line)
        case .failure(let error):
          let count = report.skipped[error.reason.rawValue, default: 0] + 1
          report.skipped[error.reason.rawValue] = count
          if count <= reportLimit { warn("\(path):\(parsed.1): \(error)") }
        }
        report.lines += 1
        if batch.count >= batchSize { try flush() }
      }
      try flush()
      report.files += 1
    }
    report.seconds = Date().timeIntervalSince(started)
    return report
  }

  private func write(_ line: DPLLine, _ db: SQLiteConnection) throws {
    switch line {
    case .meta(let row):
      if try ReviewStore.insertBareItem(row.itemID, db) { report.itemsAdded += 1 }
      try db.run("UPDATE items SET title = ?, description = ? WHERE id = ?", [row.title, row.description, row.itemID])
      report.metaRows += 1
    case .main(let row):
      if try ReviewStore.insertUser(row.userID, db) { report.usersAdded += 1 }
      for review in row.profile { _ = try insert(review, db) }
      let target = try insert(row.target, db)
      if try ReviewStore.markHeldOutIfLater(user: row.userID, reviewID: target, source: Self.source, db) {
        report.targetsMarked += 1
      }
      report.mainRows += 1
    }
  }

  /// Stores `review` (unless an identical one is stored) and returns its row id.
  private func insert(_ review: DPLReview, _ db: SQLiteConnection) throws -> Int64 {
    if try ReviewStore.insertBareItem(review.itemID, db) { report.itemsAdded += 1 }
    let row = ParsedLine.ReviewRow(
      user: review.userID, item: review.itemID, rating: review.rating, title: review.title, text: review.text,
      timestamp: review.timestamp, helpful: 0, verified: false, textHash: TextHash.of(review.text))
    if try ReviewStore.insertReview(row, db) {
      report.reviewsAdded += 1
      return db.lastInsertRowID
    }
    report.duplicates += 1
    guard
      let id = try ReviewStore.reviewID(
        user: review.userID, item: review.itemID, timestamp: review.timestamp, text: review.text, db)
    else { throw SQLiteError(code: 0, message: "a duplicate review of \(review.userID) vanished") }
    return id
  }
}

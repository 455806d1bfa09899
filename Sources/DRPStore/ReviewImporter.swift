// Streaming JSONL importer (Amazon Reviews 2023 layout or a custom field mapping).
import Foundation

/// Imports JSONL review and item-metadata files into a `ReviewStore`: streaming, in batched
/// transactions, idempotent (re-importing adds nothing). Each line is classified on its own: a
/// line with a user id (or a rating or text) is a review; otherwise it is item metadata, as is
/// every line of a `meta_*` file. Bad lines are counted and skipped, never half-written.
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
  ///   - batchSize: Lines per transaction.
  ///   - reportLimit: Bad lines printed per reason (the rest are only counted).
  ///   - warn: Receives `file:line: reason: detail` messages for bad lines.
  ///   - progress: Called about once a second.
  public init(
    store: ReviewStore, mapping: FieldMapping = FieldMapping(), batchSize: Int = 5000, reportLimit: Int = 5,
    warn: @escaping (String) -> Void = { _ in }, progress: ((Progress) -> Void)? = nil
  ) {
    self.store = store
    self.mapping = mapping
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
    started = Date()
    lastProgress = started
    lastUser = ""
    knownItems.removeAll()
    // Fewer, larger checkpoints: hot index pages are copied back to the database less often.
    try store.withConnection { try $0.execute("PRAGMA wal_autocheckpoint=16384") }
    defer { _ = try? store.withConnection { try $0.execute("PRAGMA wal_autocheckpoint=1000") } }
    // Into an empty store, lookup-only indexes are built once at the end. If the process dies
    // before that, the next `ReviewStore` open rebuilds them.
    let deferred = try store.dropDeferrableIndexesIfEmpty()
    // Every review's user and item are inserted before it, in the same transaction, so the two
    // foreign-key lookups per row are redundant here.
    try store.withConnection { try $0.execute("PRAGMA foreign_keys=OFF") }
    defer { _ = try? store.withConnection { try $0.execute("PRAGMA foreign_keys=ON") } }
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
      report.files += 1
    }
  }

  private func importLines(_ reader: LineReader, metaFile: Bool) throws {
    var done = false
    while !done {
      try store.transaction {
        try store.withConnection { db in
          var count = 0
          while count < batchSize {
            let more: Void? = try reader.next { line in
              try self.importLine(line, path: reader.path, metaFile: metaFile, db)
            }
            guard more != nil else {
              done = true
              return
            }
            count += 1
          }
        }
      }
      reportProgressIfDue()
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

  private struct BadLine: Error {
    var reason: SkipReason
    var detail: String
  }

  private func importLine(_ line: LineReader.Line, path: String, metaFile: Bool, _ db: SQLiteConnection) throws {
    if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
    report.lines += 1
    do {
      let members: [JSONMember]
      do {
        members = try JSONLineScanner.members(of: line.bytes)
      } catch let error as JSONScanError {
        let detail = line.terminated ? error.description : "truncated last line (\(error.description))"
        throw BadLine(reason: .invalidJSON, detail: detail)
      }
      let fields = LineFields(members: members, bytes: line.bytes)
      if !metaFile && fields.isReview(mapping) {
        try importReview(fields, db)
      } else {
        try importItem(fields, db)
      }
    } catch let bad as BadLine {
      let count = report.skipped[bad.reason.rawValue, default: 0] + 1
      report.skipped[bad.reason.rawValue] = count
      if count <= reportLimit {
        warn("\(path):\(line.number): \(bad.reason.rawValue): \(bad.detail)")
      }
    }
  }

  private func importReview(_ fields: LineFields, _ db: SQLiteConnection) throws {
    let user = try fields.id(mapping.user, missing: .missingUser)
    let item = try fields.id(mapping.item, missing: .missingItem)
    let rating = try fields.rating(mapping.rating)
    let title = try fields.text(mapping.title)
    let text = try fields.text(mapping.text)
    var timestamp = try fields.integer(mapping.timestamp)
    if timestamp > 0 && timestamp < 100_000_000_000 { timestamp *= 1000 }
    let helpful = try fields.integer(mapping.helpful)
    let verified = try fields.flag(mapping.verified)

    if user != lastUser {
      let stmt = try db.cached("INSERT OR IGNORE INTO users (id) VALUES (?)")
      stmt.bind(1, user)
      try stmt.run()
      report.usersAdded += db.changes
      lastUser = user
    }
    report.itemsAdded += try insertBareItem(item, db)
    let stmt = try db.cached(
      """
      INSERT OR IGNORE INTO reviews (user_id, item_id, rating, title, text, timestamp, helpful_votes, verified, text_hash)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      """)
    stmt.bind(1, user)
    stmt.bind(2, item)
    stmt.bind(3, rating)
    stmt.bind(4, title)
    stmt.bind(5, text)
    stmt.bind(6, timestamp)
    stmt.bind(7, helpful)
    stmt.bind(8, verified)
    stmt.bind(9, TextHash.of(text))
    try stmt.run()
    if db.changes == 1 { report.reviewsAdded += 1 } else { report.duplicates += 1 }
  }

  private func insertBareItem(_ id: String, _ db: SQLiteConnection) throws -> Int {
    if knownItems.contains(id) { return 0 }
    let stmt = try db.cached("INSERT OR IGNORE INTO items (id) VALUES (?)")
    stmt.bind(1, id)
    try stmt.run()
    if knownItems.count >= Self.knownItemsLimit { knownItems.removeAll(keepingCapacity: true) }
    knownItems.insert(id)
    return db.changes
  }

  private static let itemKeys: Set<String> = ["title", "description", "categories", "main_category"]

  private func importItem(_ fields: LineFields, _ db: SQLiteConnection) throws {
    let id = try fields.id(mapping.item, missing: .missingItem)
    let title = try fields.text(["title"])
    let description = try fields.strings("description")?.joined(separator: "\n") ?? ""
    let categories = try fields.strings("categories") ?? []
    let mainCategory = try fields.text(["main_category"])
    let skip = Self.itemKeys.union(mapping.item)
    let extra = fields.rawObject(excluding: skip)
    let categoriesJSON = (try? JSONEncoder().encode(categories)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"

    report.itemsAdded += try insertBareItem(id, db)
    let stmt = try db.cached(
      "UPDATE items SET title = ?, description = ?, categories = ?, main_category = ?, metadata = ? WHERE id = ?")
    stmt.bind(1, title)
    stmt.bind(2, description)
    stmt.bind(3, categoriesJSON)
    stmt.bind(4, mainCategory)
    stmt.bind(5, extra)
    stmt.bind(6, id)
    try stmt.run()
    report.itemMetadata += 1
  }

  /// Typed access to the members of one scanned line; type errors throw `BadLine`.
  private struct LineFields {
    let members: [JSONMember]
    let bytes: UnsafeBufferPointer<UInt8>

    func value(_ keys: [String]) -> JSONMember? {
      for key in keys {
        if let member = members.first(where: { $0.key == key }) { return member }
      }
      return nil
    }

    func isReview(_ mapping: FieldMapping) -> Bool {
      value(mapping.user) != nil || value(mapping.rating) != nil || value(mapping.text) != nil
    }

    func id(_ keys: [String], missing: SkipReason) throws -> String {
      guard let member = value(keys) else {
        throw BadLine(reason: missing, detail: "no \(keys.joined(separator: "/"))")
      }
      switch member.value {
      case .string(let s) where !s.isEmpty: return s
      case .string, .null: throw BadLine(reason: missing, detail: "empty \(member.key)")
      default: throw BadLine(reason: .wrongType, detail: "\(member.key) must be a string")
      }
    }

    func rating(_ keys: [String]) throws -> Double {
      guard let member = value(keys) else {
        throw BadLine(reason: .badRating, detail: "no \(keys.joined(separator: "/"))")
      }
      let rating: Double
      switch member.value {
      case .number(let n): rating = n
      case .string(let s):
        guard let n = Double(s) else {
          throw BadLine(reason: .badRating, detail: "\(member.key) '\(s)' is not a number")
        }
        rating = n
      default: throw BadLine(reason: .wrongType, detail: "\(member.key) must be a number")
      }
      guard rating >= 0 && rating <= 5 else {
        throw BadLine(reason: .badRating, detail: "\(member.key) \(rating) is outside 0...5")
      }
      return rating
    }

    func text(_ keys: [String]) throws -> String {
      guard let member = value(keys) else { return "" }
      switch member.value {
      case .string(let s): return s
      case .null: return ""
      default: throw BadLine(reason: .wrongType, detail: "\(member.key) must be a string")
      }
    }

    func integer(_ keys: [String]) throws -> Int64 {
      guard let member = value(keys) else { return 0 }
      switch member.value {
      case .null: return 0
      case .number(let n) where n.isFinite && abs(n) < 9e15: return Int64(n)
      case .string(let s):
        if let n = Int64(s.replacingOccurrences(of: ",", with: "")) { return n }
      default: break
      }
      throw BadLine(reason: .wrongType, detail: "\(member.key) must be an integer")
    }

    func flag(_ keys: [String]) throws -> Bool {
      guard let member = value(keys) else { return false }
      switch member.value {
      case .bool(let b): return b
      case .null: return false
      case .number(let n) where n == 0 || n == 1: return n == 1
      default: throw BadLine(reason: .wrongType, detail: "\(member.key) must be true or false")
      }
    }

    /// A string or an array of strings.
    func strings(_ key: String) throws -> [String]? {
      guard let member = value([key]) else { return nil }
      if member.value == .null { return nil }
      guard let list = JSONLineScanner.strings(in: bytes, range: member.rawValue) else {
        throw BadLine(reason: .wrongType, detail: "\(key) must be a string or an array of strings")
      }
      return list
    }

    /// The members not in `excluded`, re-assembled as a JSON object text from their raw bytes.
    func rawObject(excluding excluded: Set<String>) -> String {
      var out: [UInt8] = [UInt8(ascii: "{")]
      for member in members where !excluded.contains(member.key) {
        if out.count > 1 { out.append(UInt8(ascii: ",")) }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[member.rawKey]))
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[member.rawValue]))
      }
      out.append(UInt8(ascii: "}"))
      return String(decoding: out, as: UTF8.self)
    }
  }
}

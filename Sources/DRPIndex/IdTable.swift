import Foundation

/// The id ↔ row mapping. After `load` it reads ids and an open-addressing hash table straight from
/// the mapped file (O(1) start-up); the first mutation converts it to Swift arrays (O(N), once).
struct IdTable: @unchecked Sendable {
  /// The file-backed form: offsets into a UTF-8 blob plus a hash table of row+1 (0 = empty slot).
  struct Mapped {
    let offsets: UnsafePointer<UInt64>
    let bytes: UnsafePointer<UInt8>
    let slots: UnsafePointer<UInt32>
    let slotMask: Int
    let file: MappedFile

    func id(_ row: Int) -> String {
      let start = Int(offsets[row])
      let end = Int(offsets[row + 1])
      return String(decoding: UnsafeBufferPointer(start: bytes + start, count: end - start), as: UTF8.self)
    }

    func row(of id: String) -> Int? {
      var key = id
      return key.withUTF8 { utf8 -> Int? in
        var slot = Int(truncatingIfNeeded: IdTable.slotHash(utf8)) & slotMask
        while true {
          let value = slots[slot]
          if value == 0 { return nil }
          let row = Int(value - 1)
          let start = Int(offsets[row])
          let length = Int(offsets[row + 1]) - start
          if length == utf8.count && (length == 0 || memcmp(bytes + start, utf8.baseAddress!, length) == 0) {
            return row
          }
          slot = (slot + 1) & slotMask
        }
      }
    }
  }

  private var names: [String] = []
  private var rowsById: [String: Int32] = [:]
  private var mapped: Mapped?
  private var mappedCount = 0

  init() {}

  init(mapped: Mapped, count: Int) {
    self.mapped = mapped
    mappedCount = count
  }

  /// Hash used for the persisted id table.
  static func slotHash(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt64 {
    Checksum64.hash(
      UnsafeRawPointer(utf8.baseAddress ?? UnsafePointer(bitPattern: 1)!), count: utf8.count, seed: 0x5EED)
  }

  /// Number of rows with an id (including deleted rows).
  var count: Int { mapped == nil ? names.count : mappedCount }

  /// The id of `row`.
  func id(_ row: Int) -> String { mapped?.id(row) ?? names[row] }

  /// The row holding `id` (possibly a deleted row in the mapped form; callers check tombstones).
  func row(of id: String) -> Int? {
    if let mapped { return mapped.row(of: id) }
    return rowsById[id].map(Int.init)
  }

  /// Switches to the owned form, dropping ids of `deleted` rows from the lookup table.
  mutating func materialize(deleted: RowBitset) {
    guard let mapped else { return }
    names = (0..<mappedCount).map { mapped.id($0) }
    rowsById = Dictionary(minimumCapacity: mappedCount)
    for (row, name) in names.enumerated() where !deleted.contains(row) { rowsById[name] = Int32(row) }
    self.mapped = nil
  }

  /// Appends a new row for `id` (owned form only).
  mutating func append(_ id: String) {
    rowsById[id] = Int32(names.count)
    names.append(id)
  }

  /// Forgets the lookup for `id` (its row becomes a tombstone; owned form only).
  mutating func forget(_ id: String) { rowsById[id] = nil }

  /// Keeps only `liveRows` (ascending), renumbering them 0..<n (owned form only).
  mutating func compact(keeping liveRows: [Int]) {
    names = liveRows.map { names[$0] }
    rowsById = Dictionary(minimumCapacity: names.count)
    for (row, name) in names.enumerated() { rowsById[name] = Int32(row) }
  }

  /// What is wrong with the table of `rows` rows of which `deleted` are tombstones, empty when it is
  /// sound: one id per row; every live row's id looks up that row; in the file-backed form the id
  /// offsets ascending; in the owned form every lookup naming a live row holding that id. For
  /// tests and debug checks; O(rows).
  func invariantViolations(rows: Int, deleted: RowBitset) -> [String] {
    guard count == rows else { return ["\(count) ids for \(rows) rows"] }
    var problems: [String] = []
    if let mapped {
      for row in 0..<rows where mapped.offsets[row] > mapped.offsets[row + 1] {
        problems.append("id offsets descend at row \(row)")
      }
      if !problems.isEmpty { return problems }
    }
    for row in 0..<rows where !deleted.contains(row) {
      let name = id(row)
      if let found = self.row(of: name), found != row {
        problems.append("live row \(row) has id \"\(name)\", which maps to row \(found)")
      } else if self.row(of: name) == nil {
        problems.append("live row \(row) has id \"\(name)\", which maps to no row")
      }
    }
    if mapped == nil {
      for (name, row) in rowsById.sorted(by: { $0.value < $1.value }) {
        if Int(row) >= names.count || names[Int(row)] != name {
          problems.append("id \"\(name)\" maps to row \(row), which holds another id")
        } else if deleted.contains(Int(row)) {
          problems.append("id \"\(name)\" maps to the deleted row \(row)")
        }
      }
    }
    return problems
  }

  /// Approximate bytes used by the owned form (0 when reading from the file).
  var ownedBytes: Int { mapped == nil ? names.reduce(0) { $0 + $1.utf8.count + 40 } : 0 }
}

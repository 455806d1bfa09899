// The importer's line parsing and file reading, reachable from the fuzz targets (package scope).

/// Runs the importer's parsing on raw bytes without a store: what `drp import` would make of
/// them. For the fuzz targets (`Fuzz/`) and their regression tests.
package enum ImportProbe {
  /// Parses `bytes` as JSONL lines (split at `\n`) with the default mapping and `ReviewRule`;
  /// returns one short outcome per line (`review`, `item`, `blank` or the skip reason).
  package static func parseLines(_ bytes: UnsafeBufferPointer<UInt8>, metaFile: Bool = false) -> [String] {
    let parser = LineParser(mapping: FieldMapping(), rule: ReviewRule())
    var outcomes: [String] = []
    var start = 0
    var number = 0
    while start <= bytes.count {
      let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      number += 1
      let line = LineReader.Line(
        bytes: UnsafeBufferPointer(rebasing: bytes[start..<end]), number: number, terminated: end < bytes.count)
      outcomes.append(describe(parser.parse(line, metaFile: metaFile)))
      start = end + 1
    }
    return outcomes
  }

  /// Reads the file at `path` as `drp import` does (plain or gzip, `chunk` bytes at a time)
  /// and parses every line; returns the outcomes and the bytes after the gzip data.
  /// - Throws: `ImportFileError` for an unreadable file or corrupt compressed data.
  package static func readFile(_ path: String, chunk: Int = 1 << 20) throws -> (outcomes: [String], trailingBytes: Int)
  {
    let reader = try LineReader(path: path, chunk: chunk)
    let parser = LineParser(mapping: FieldMapping(), rule: ReviewRule())
    var outcomes: [String] = []
    while let outcome = try reader.next({ describe(parser.parse($0, metaFile: false)) }) { outcomes.append(outcome) }
    return (outcomes, reader.trailingBytes)
  }

  private static func describe(_ parsed: ParsedLine) -> String {
    switch parsed {
    case .blank: return "blank"
    case .review(let row): return "review" + (row.repairedAt == nil ? "" : " (repaired)")
    case .item(let row): return "item" + (row.repairedAt == nil ? "" : " (repaired)")
    case .bad(let reason, _, _): return reason.rawValue
    }
  }
}

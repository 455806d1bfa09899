import Foundation

/// Reads vectors for `drp index build --vectors FILE`, choosing the format by extension:
/// - `.fvecs`: per row a little-endian Int32 dimension then that many float32s (all rows equal).
/// - `.npy`: a NumPy v1/v2/v3 file holding a 2-D little-endian float32 (`<f4`) C-order array.
/// - `.jsonl` / `.json`: one `{"id": "…", "vector": [numbers]}` object per line (blank lines skipped).
/// fvecs and npy rows get ids "0", "1", … unless an ids file (one id per line, one line per row)
/// is given.
public enum VectorFileReader {
  /// All `(id, vector)` rows of the file at `path`.
  /// - Parameter idsPath: optional file of ids for fvecs/npy rows (ignored for JSONL).
  /// - Throws: `VectorFileError` for unreadable, malformed or inconsistent input.
  public static func read(path: String, idsPath: String? = nil) throws -> [(id: String, vector: [Float])] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw VectorFileError(path: path, reason: "the file cannot be read")
    }
    let lower = path.lowercased()
    if lower.hasSuffix(".jsonl") || lower.hasSuffix(".json") { return try jsonLines(data, path: path) }
    let vectors: [[Float]]
    if lower.hasSuffix(".fvecs") {
      vectors = try fvecs(data, path: path)
    } else if lower.hasSuffix(".npy") {
      vectors = try npy(data, path: path)
    } else {
      throw VectorFileError(path: path, reason: "unknown extension (use .fvecs, .npy or .jsonl)")
    }
    let ids = try idsPath.map { try readIds($0, expected: vectors.count) } ?? vectors.indices.map(String.init)
    return zip(ids, vectors).map { (id: $0, vector: $1) }
  }

  private static func readIds(_ path: String, expected: Int) throws -> [String] {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      throw VectorFileError(path: path, reason: "the ids file cannot be read as UTF-8")
    }
    var ids = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if ids.last == "" { ids.removeLast() }
    guard ids.count == expected else {
      throw VectorFileError(path: path, reason: "has \(ids.count) ids but the vector file has \(expected) rows")
    }
    guard Set(ids).count == ids.count else { throw VectorFileError(path: path, reason: "ids are not unique") }
    return ids
  }

  static func fvecs(_ data: Data, path: String) throws -> [[Float]] {
    try data.withUnsafeBytes { raw in
      var rows: [[Float]] = []
      var offset = 0
      var dimension: Int?
      while offset < raw.count {
        guard offset + 4 <= raw.count else {
          throw VectorFileError(path: path, reason: "row \(rows.count) is truncated (no dimension)")
        }
        let d = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        guard d > 0 else { throw VectorFileError(path: path, reason: "row \(rows.count) has dimension \(d)") }
        if let dimension, d != dimension {
          throw VectorFileError(
            path: path, reason: "row \(rows.count) has dimension \(d), expected \(dimension) (ragged)")
        }
        dimension = d
        guard offset + 4 + 4 * d <= raw.count else {
          throw VectorFileError(path: path, reason: "row \(rows.count) is truncated")
        }
        rows.append(
          (0..<d).map {
            Float(
              bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 + 4 * $0, as: UInt32.self)))
          })
        offset += 4 + 4 * d
      }
      return rows
    }
  }

  static func npy(_ data: Data, path: String) throws -> [[Float]] {
    let bytes = [UInt8](data)
    let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
      throw VectorFileError(path: path, reason: "not a .npy file (bad magic or truncated)")
    }
    let major = bytes[6]
    let headerLength: Int
    let headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw VectorFileError(path: path, reason: "truncated .npy header") }
      headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
      headerStart = 12
    default:
      throw VectorFileError(path: path, reason: "unsupported .npy version \(major)")
    }
    guard headerStart + headerLength <= bytes.count,
      let header = String(bytes: bytes[headerStart..<headerStart + headerLength], encoding: .utf8)
    else { throw VectorFileError(path: path, reason: "truncated .npy header") }
    guard let descr = field("descr", in: header) else {
      throw VectorFileError(path: path, reason: "no dtype in header")
    }
    guard descr == "'<f4'" || descr == "'float32'" else {
      throw VectorFileError(path: path, reason: "dtype \(descr) is not little-endian float32 ('<f4')")
    }
    guard field("fortran_order", in: header) == "False" else {
      throw VectorFileError(path: path, reason: "Fortran-order arrays are not supported (save in C order)")
    }
    guard let shapeText = field("shape", in: header) else {
      throw VectorFileError(path: path, reason: "no shape in header")
    }
    let shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()")).split(separator: ",").map {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    guard shape.count == 2, let n = shape[0], let d = shape[1], n >= 0, d > 0 else {
      throw VectorFileError(path: path, reason: "shape \(shapeText) is not a 2-D (rows, dimension) array")
    }
    let start = headerStart + headerLength
    guard bytes.count - start == n * d * 4 else {
      throw VectorFileError(path: path, reason: "has \(bytes.count - start) data bytes, shape needs \(n * d * 4)")
    }
    return bytes.withUnsafeBytes { raw in
      (0..<n).map { row in
        (0..<d).map {
          Float(
            bitPattern: UInt32(
              littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * (row * d + $0), as: UInt32.self)))
        }
      }
    }
  }

  /// The text of `'key': value` in a NumPy header dict (value up to the next top-level comma).
  private static func field(_ key: String, in header: String) -> String? {
    guard let range = header.range(of: "'\(key)':") else { return nil }
    var depth = 0
    var value = ""
    for ch in header[range.upperBound...] {
      if ch == "(" { depth += 1 }
      if ch == ")" { depth -= 1 }
      if (ch == "," && depth == 0) || ch == "}" { break }
      value.append(ch)
    }
    return value.trimmingCharacters(in: .whitespaces)
  }

  private struct Line: Decodable {
    var id: String
    var vector: [Float]
  }

  static func jsonLines(_ data: Data, path: String) throws -> [(id: String, vector: [Float])] {
    var result: [(id: String, vector: [Float])] = []
    let decoder = JSONDecoder()
    for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
      if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
      do {
        let row = try decoder.decode(Line.self, from: Data(line))
        result.append((id: row.id, vector: row.vector))
      } catch {
        throw VectorFileError(
          path: path, reason: "line \(number + 1) is not {\"id\": string, \"vector\": [numbers]}")
      }
    }
    return result
  }
}

import Foundation

/// Reads vector files, choosing the format by extension:
/// - `.fvecs`, `.bvecs`: the TEXMEX layout of the SIFT/GIST benchmark sets (see `Xvecs`): per row
///   a little-endian Int32 dimension, then that many float32 (`.fvecs`) or uint8 (`.bvecs`) values;
///   every row has the same dimension.
/// - `.npy`: a NumPy v1/v2/v3 file holding a 2-D little-endian float32 (`<f4`) C-order array.
/// - `.jsonl` / `.json`: one `{"id": "…", "vector": [numbers]}` object per line (blank lines
///   skipped); `"id"` may be left out on every line.
///
/// Rows of a file without ids get ids "0", "1", … unless an ids file (one id per line, one line per
/// row) is given. `.ivecs` files (integer rows, e.g. ground-truth neighbour lists) are read by
/// `readIntegerRows(path:)`.
public enum VectorFileReader {
  /// The extensions `read(path:idsPath:)` accepts.
  public static let vectorExtensions = ["fvecs", "bvecs", "npy", "jsonl", "json"]

  /// Every row of the vector file at `path`.
  /// - Parameter idsPath: optional file of ids for .fvecs/.bvecs/.npy rows (not for JSONL, whose
  ///   lines carry their own).
  /// - Throws: `VectorFileError` for an unreadable, malformed or inconsistent file, or an empty one.
  public static func read(path: String, idsPath: String? = nil) throws -> VectorFile {
    let format = (path as NSString).pathExtension.lowercased()
    guard vectorExtensions.contains(format) else {
      throw VectorFileError(path: path, reason: "unknown extension (use .fvecs, .bvecs, .npy or .jsonl)")
    }
    let data = try contents(of: path)
    var file: VectorFile
    switch format {
    case "jsonl", "json":
      if let idsPath {
        throw VectorFileError(
          path: idsPath,
          reason: "an ids file names the rows of .fvecs/.bvecs/.npy files; JSONL lines carry their own ids")
      }
      file = try jsonLines(data, path: path)
    case "npy": file = try npy(data, path: path)
    default: file = try xvecs(data, path: path, component: format == "bvecs" ? .uint8 : .float32)
    }
    guard file.count > 0 else { throw VectorFileError(path: path, reason: "holds no vectors") }
    if let idsPath { file.ids = try readIds(idsPath, expected: file.count) }
    return file
  }

  /// The rows of an `.ivecs` file (TEXMEX layout with int32 components), e.g. the ids of each
  /// query's true nearest neighbours in a ground-truth file.
  /// - Throws: `VectorFileError` for an unreadable, malformed or empty file.
  public static func readIntegerRows(path: String) throws -> [[Int32]] {
    guard (path as NSString).pathExtension.lowercased() == "ivecs" else {
      throw VectorFileError(path: path, reason: "unknown extension (ground truth must be an .ivecs file)")
    }
    let data = try contents(of: path)
    return try data.withUnsafeBytes { raw in
      let shape = try Xvecs.shape(raw, component: .int32, path: path)
      guard shape.rows > 0 else { throw VectorFileError(path: path, reason: "holds no rows") }
      return (0..<shape.rows).map { row in
        let start = row * shape.rowBytes + 4
        return (0..<shape.dimension).map {
          Int32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: Int32.self))
        }
      }
    }
  }

  private static func contents(of path: String) throws -> Data {
    do {
      return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    } catch {
      throw VectorFileError(path: path, reason: "the file cannot be read")
    }
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

  static func xvecs(_ data: Data, path: String, component: Xvecs.Component) throws -> VectorFile {
    try data.withUnsafeBytes { raw in
      let shape = try Xvecs.shape(raw, component: component, path: path)
      let d = shape.dimension
      var values = [Float](repeating: 0, count: shape.rows * d)
      values.withUnsafeMutableBufferPointer { out in
        for row in 0..<shape.rows {
          let source = raw.baseAddress! + row * shape.rowBytes + 4
          let target = out.baseAddress! + row * d
          switch component {
          case .float32: Xvecs.copyFloats(from: source, count: d, to: target)
          case .int32:
            for j in 0..<d {
              target[j] = Float(Int32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * j, as: Int32.self)))
            }
          case .uint8:
            for j in 0..<d { target[j] = Float(source.load(fromByteOffset: j, as: UInt8.self)) }
          }
        }
      }
      return VectorFile(path: path, dimension: max(d, 1), values: values)
    }
  }

  static func npy(_ data: Data, path: String) throws -> VectorFile {
    try data.withUnsafeBytes { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
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
      // A shape whose byte count overflows cannot match any file (and must not trap).
      let (cells, overflow) = n.multipliedReportingOverflow(by: d)
      guard !overflow, cells <= (bytes.count - start) / 4, bytes.count - start == cells * 4 else {
        throw VectorFileError(
          path: path,
          reason: "has \(bytes.count - start) data bytes, shape \(shapeText) needs "
            + (overflow || cells > Int.max / 4 ? "more than the largest file" : "\(cells * 4)"))
      }
      var values = [Float](repeating: 0, count: n * d)
      values.withUnsafeMutableBufferPointer { out in
        Xvecs.copyFloats(from: raw.baseAddress! + start, count: n * d, to: out.baseAddress!)
      }
      return VectorFile(path: path, dimension: d, values: values)
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
    var id: String?
    var vector: [Float]
  }

  static func jsonLines(_ data: Data, path: String) throws -> VectorFile {
    var values: [Float] = []
    var ids: [String] = []
    var dimension = 0
    var firstLine = 0
    var lineOfID: [String: Int] = [:]
    let decoder = JSONDecoder()
    for (number, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
      if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
      let row: Line
      do {
        row = try decoder.decode(Line.self, from: Data(line))
      } catch {
        throw VectorFileError(
          path: path, reason: "line \(number + 1) is not {\"id\": string, \"vector\": [numbers]}")
      }
      guard !row.vector.isEmpty else {
        throw VectorFileError(path: path, reason: "line \(number + 1) has an empty vector")
      }
      if dimension == 0 {
        dimension = row.vector.count
        firstLine = number + 1
      } else if (row.id == nil) != ids.isEmpty {
        throw VectorFileError(
          path: path,
          reason: "line \(number + 1) \(row.id == nil ? "has no" : "has an") \"id\" but line \(firstLine) "
            + "\(ids.isEmpty ? "has none" : "has one"): give every line an id, or none (rows are then numbered)")
      }
      guard row.vector.count == dimension else {
        throw VectorFileError(
          path: path,
          reason: "line \(number + 1) has \(row.vector.count) numbers but line \(firstLine) has \(dimension)")
      }
      if let id = row.id {
        if let previous = lineOfID.updateValue(number + 1, forKey: id) {
          throw VectorFileError(path: path, reason: "id '\(id)' is on lines \(previous) and \(number + 1)")
        }
        ids.append(id)
      }
      values.append(contentsOf: row.vector)
    }
    return VectorFile(path: path, dimension: max(dimension, 1), values: values, ids: ids.isEmpty ? nil : ids)
  }
}

/// The TEXMEX `.fvecs` / `.ivecs` / `.bvecs` layout (http://corpus-texmex.irisa.fr, used by the
/// SIFT and GIST sets): each row is a little-endian Int32 dimension `d` followed by `d`
/// components (float32, int32 or uint8); every row of a file has the same `d`.
enum Xvecs {
  /// The component type of a row.
  enum Component {
    case float32, int32, uint8

    /// Bytes per component.
    var size: Int { self == .uint8 ? 1 : 4 }
    /// The file extension.
    var fileExtension: String {
      switch self {
      case .float32: return "fvecs"
      case .int32: return "ivecs"
      case .uint8: return "bvecs"
      }
    }
  }

  /// Copies `count` little-endian float32 values from unaligned `source` to `target`.
  static func copyFloats(from source: UnsafeRawPointer, count: Int, to target: UnsafeMutablePointer<Float>) {
    for j in 0..<count {
      target[j] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self)))
    }
  }

  /// Checks every row header and the file length; returns the common dimension, the row count and
  /// the bytes per row (an empty file has 0 rows).
  /// - Throws: `VectorFileError` naming the first row whose dimension header is not positive or
  ///   differs from row 0's, or that is truncated.
  static func shape(_ raw: UnsafeRawBufferPointer, component: Component, path: String) throws
    -> (dimension: Int, rows: Int, rowBytes: Int)
  {
    guard raw.count > 0 else { return (0, 0, 4) }
    let name = component.fileExtension
    guard raw.count >= 4 else {
      throw VectorFileError(
        path: path, reason: "row 0 is truncated: \(raw.count) bytes, less than its dimension header")
    }
    func header(_ offset: Int) -> Int {
      Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
    }
    let d = header(0)
    guard d > 0 else {
      throw VectorFileError(
        path: path, reason: "row 0 has dimension header \(d); it must be positive (is this an .\(name) file?)")
    }
    let rowBytes = 4 + d * component.size
    guard rowBytes <= raw.count else {
      throw VectorFileError(
        path: path,
        reason: "row 0 is truncated: its dimension header says \(d) (\(rowBytes) bytes per row) but the file has "
          + "\(raw.count) bytes (is this an .\(name) file?)")
    }
    let rows = raw.count / rowBytes
    for row in 1..<rows where header(row * rowBytes) != d {
      throw VectorFileError(
        path: path,
        reason: "row \(row) has dimension header \(header(row * rowBytes)) but row 0 has \(d) "
          + "(every row of an .\(name) file has the same dimension)")
    }
    let rest = raw.count - rows * rowBytes
    if rest >= 4 && header(rows * rowBytes) != d {
      throw VectorFileError(
        path: path,
        reason: "row \(rows) has dimension header \(header(rows * rowBytes)) but row 0 has \(d) "
          + "(every row of an .\(name) file has the same dimension)")
    }
    guard rest == 0 else {
      throw VectorFileError(
        path: path, reason: "row \(rows) is truncated: \(rest) of its \(rowBytes) bytes are present")
    }
    return (d, rows, rowBytes)
  }
}

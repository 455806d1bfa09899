import Foundation

/// Writes vector files in the formats `VectorFileReader` reads, chosen by extension: `.fvecs`,
/// `.bvecs` (TEXMEX layout, see `Xvecs`), `.npy` (float32, C order), and `.ivecs` for integer rows
/// such as ground-truth neighbour lists. Files are written to a temporary name and renamed.
public enum VectorFileWriter {
  /// Writes the rows of `file` (ids are not stored: these formats have none) to `path`.
  /// - Throws: `VectorFileError` for an unknown extension, a `.bvecs` value that is not an integer
  ///   in 0...255, or a failed write.
  public static func write(_ file: VectorFile, to path: String) throws {
    let d = file.dimension
    var data = Data()
    switch (path as NSString).pathExtension.lowercased() {
    case "fvecs":
      data.reserveCapacity(file.count * (4 + 4 * d))
      file.values.withUnsafeBufferPointer { values in
        for row in 0..<file.count {
          append(Int32(d), to: &data)
          appendFloats(UnsafeBufferPointer(rebasing: values[(row * d)..<((row + 1) * d)]), to: &data)
        }
      }
    case "bvecs":
      data.reserveCapacity(file.count * (4 + d))
      for row in 0..<file.count {
        append(Int32(d), to: &data)
        for j in 0..<d {
          let value = file.values[row * d + j]
          guard value >= 0, value <= 255, value.rounded() == value else {
            throw VectorFileError(
              path: path, reason: "row \(row) component \(j) is \(value): .bvecs holds integers 0...255", writing: true)
          }
          data.append(UInt8(value))
        }
      }
    case "npy":
      var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(file.count), \(d)), }"
      while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
      header += "\n"
      data.reserveCapacity(10 + header.utf8.count + file.values.count * 4)
      data.append(contentsOf: [0x93] + Array("NUMPY".utf8) + [1, 0])
      append(UInt16(header.utf8.count), to: &data)
      data.append(contentsOf: Array(header.utf8))
      file.values.withUnsafeBufferPointer { appendFloats($0, to: &data) }
    default:
      throw VectorFileError(path: path, reason: "unknown extension (use .fvecs, .bvecs or .npy)", writing: true)
    }
    try save(data, to: path)
  }

  /// Writes `rows` (all of the same length) as an `.ivecs` file.
  /// - Throws: `VectorFileError` for another extension, rows of different lengths, or a failed write.
  public static func writeIntegerRows(_ rows: [[Int32]], to path: String) throws {
    guard (path as NSString).pathExtension.lowercased() == "ivecs" else {
      throw VectorFileError(path: path, reason: "integer rows are written as .ivecs", writing: true)
    }
    var data = Data()
    for (number, row) in rows.enumerated() {
      guard !row.isEmpty, row.count == rows[0].count else {
        throw VectorFileError(
          path: path, reason: "row \(number) has \(row.count) values but row 0 has \(rows[0].count)", writing: true)
      }
      append(Int32(row.count), to: &data)
      for value in row { append(value, to: &data) }
    }
    try save(data, to: path)
  }

  private static func append<T: FixedWidthInteger>(_ value: T, to data: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
  }

  /// Appends float32 values in little-endian byte order.
  private static func appendFloats(_ values: UnsafeBufferPointer<Float>, to data: inout Data) {
    #if _endian(little)
      data.append(values)
    #else
      for value in values { append(value.bitPattern, to: &data) }
    #endif
  }

  private static func save(_ data: Data, to path: String) throws {
    do {
      try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
      throw VectorFileError(path: path, reason: "\(error.localizedDescription)", writing: true)
    }
  }
}

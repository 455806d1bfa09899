/// Vectors read from (or to be written to) a file: `count` rows of `dimension` floats, row-major,
/// with optional ids. A file without ids (.fvecs, .bvecs, .npy, JSONL lines without `"id"`) names
/// its rows by their row number: "0", "1", …
public struct VectorFile: Sendable {
  /// The file the rows came from ("" for rows made in memory).
  public var path: String
  /// Floats per row.
  public var dimension: Int
  /// `count × dimension` floats, row after row.
  public var values: [Float]
  /// One id per row, or nil when the rows are named by their row number.
  public var ids: [String]?

  /// Rows of `dimension` floats taken from `values` (whose count must be a multiple of it).
  public init(path: String = "", dimension: Int, values: [Float], ids: [String]? = nil) {
    precondition(dimension > 0 && values.count % dimension == 0, "values must hold whole rows")
    precondition(ids == nil || ids!.count == values.count / dimension, "one id per row")
    self.path = path
    self.dimension = dimension
    self.values = values
    self.ids = ids
  }

  /// Number of rows.
  public var count: Int { values.count / dimension }

  /// Row `row` as an array.
  public func vector(_ row: Int) -> [Float] { Array(values[(row * dimension)..<((row + 1) * dimension)]) }

  /// The id of row `row`: its id, or its row number when the file has none.
  public func id(_ row: Int) -> String { ids?[row] ?? String(row) }
}

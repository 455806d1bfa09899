/// A summary of an index for `drp index info`.
public struct IndexInfo: Sendable, Equatable {
  /// Live (not deleted) vectors.
  public var count: Int
  /// Deleted rows still occupying space until `compact()`.
  public var tombstones: Int
  /// Vector dimension.
  public var dimension: Int
  /// Bytes used by vectors, int8 codes, ids and bookkeeping.
  public var bytes: Int
  /// Whether an int8 copy of the rows is kept for quantised search.
  public var quantized: Bool
  /// The file the index was loaded from or last saved to, if any.
  public var path: String?
}

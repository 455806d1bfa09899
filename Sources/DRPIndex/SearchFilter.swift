/// Restricts a search to a candidate set. Unknown or deleted ids in the set are ignored (they can
/// never be returned); an empty set gives no results.
public struct SearchFilter: Sendable {
  enum Kind: Sendable {
    case ids([String])
    case bitmap(CandidateBitmap)
  }

  let kind: Kind

  /// Only these ids may be returned.
  public static func ids<C: Collection>(_ ids: C) -> SearchFilter where C.Element == String {
    SearchFilter(kind: .ids(Array(ids)))
  }

  /// Only rows set in `bitmap` (from `VectorIndex.candidateBitmap(for:)`) may be returned; reuse it
  /// across many searches to skip the id lookups.
  public static func bitmap(_ bitmap: CandidateBitmap) -> SearchFilter { SearchFilter(kind: .bitmap(bitmap)) }
}

/// What `ReviewStore.addReview` did.
public enum AddResult: Sendable, Equatable {
  /// The review was stored under this row id.
  case inserted(Int64)
  /// An identical review (same user, item, timestamp and text) was already stored.
  case duplicate
}

// Exact cosine top-k vector index.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPIndex module.
public enum DRPIndexModule {}

// Shared vocabulary: configuration, JSON values, text tokenisation, BM25.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPCore module.
public enum DRPCoreModule {}

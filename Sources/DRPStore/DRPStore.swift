// SQLite review store and JSONL importer.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPStore module.
public enum DRPStoreModule {}

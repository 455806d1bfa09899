// Application facade shared by the CLI and the server.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPEngine module.
public enum DRPEngineModule {}

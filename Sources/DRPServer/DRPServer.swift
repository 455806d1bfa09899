// TCP and Unix-socket server.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPServer module.
public enum DRPServerModule {}

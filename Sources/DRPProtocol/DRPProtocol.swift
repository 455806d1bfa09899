// Line-delimited JSON-RPC 2.0 protocol.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPProtocol module.
public enum DRPProtocolModule {}

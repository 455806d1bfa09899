// Embedders, user vectors, peer selection, key samples.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPPeers module.
public enum DRPPeersModule {}

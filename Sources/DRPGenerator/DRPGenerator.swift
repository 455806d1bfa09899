// Personalised review generator.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPGenerator module.
public enum DRPGeneratorModule {}

// Deterministic synthetic review data.
// Placeholder namespace; the module's issue fills it.

/// Namespace for the DRPSample module.
public enum DRPSampleModule {}
